// The change log that watches resume from: one row per object write, keyed
// by the resourceVersion it produced, trimmed to the newest entries. An
// entry holds the object as written, except a creation's, which holds an
// empty object and stands for the object's row while the row is at that
// version: a bulk apply then writes each new object once, not twice. The
// row is copied into the entry before it is next overwritten or removed
// (KeepLoggedState), in the same transaction.

#include "store/object_blob.h"
#include "store/sqlite_store.h"

namespace sesame::store {
namespace {

Result<WatchType> ParseWatchType(std::string_view s) {
  if (s == "ADDED") return WatchType::kAdded;
  if (s == "MODIFIED") return WatchType::kModified;
  if (s == "DELETED") return WatchType::kDeleted;
  return InternalError("change log entry of unknown type " + std::string(s));
}

}  // namespace

Result<Object> SqliteStore::LoggedRow(const ObjectKey& key, int64_t version) {
  Result<std::optional<Object>> row = ReadObject(key);
  if (!row.ok()) return row.status();
  if (!*row || (*row)->metadata.resource_version != version) {
    return InternalError("change log entry " + std::to_string(version) + " of " + DisplayName(key) +
                         " lost its object");
  }
  return std::move(**row);
}

Status SqliteStore::PruneChangeLog(int64_t newest) {
  int64_t keep_from = newest - options_.change_retention + 1;
  if (keep_from <= 1) return Status::Ok();
  Result<StatementRef> trim = db_->Prepare("DELETE FROM changes WHERE resource_version < ?1");
  if (!trim.ok()) return trim.status();
  (*trim)->Bind(1, keep_from);
  SESAME_RETURN_IF_ERROR((*trim)->Run());
  // Remembered separately because versions can be missing from the table
  // (dry runs never reach it), so min(resource_version) would not tell.
  Result<StatementRef> mark = db_->Prepare(
      "UPDATE meta SET value = max(value, ?1) WHERE key = 'oldest_change'");
  if (!mark.ok()) return mark.status();
  (*mark)->Bind(1, keep_from);
  return (*mark)->Run();
}

Result<std::vector<WatchEvent>> SqliteStore::ChangesSince(int64_t after, size_t limit) {
  MutexLock lock(mutex_);
  // One read transaction, so that a concurrent trim cannot fall between the
  // "too old" check and the read.
  Transaction txn(*db_);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/false));
  Result<int64_t> oldest = db_->QueryInt("SELECT value FROM meta WHERE key = 'oldest_change'");
  if (!oldest.ok()) return oldest.status();
  if (after < *oldest - 1) {
    return NotFoundError("resourceVersion " + std::to_string(after) +
                         " is too old: the change log starts at " + std::to_string(*oldest) +
                         "; list again and watch from the list's resourceVersion");
  }
  Result<StatementRef> stmt = db_->Prepare(
      "SELECT resource_version, type, object, kind, namespace, name FROM changes "
      "WHERE resource_version > ?1 "
      "ORDER BY resource_version LIMIT ?2");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, after);
  (*stmt)->Bind(2, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
  std::vector<WatchEvent> out;
  for (;;) {
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Result<WatchType> type = ParseWatchType((*stmt)->TextView(1));
    if (!type.ok()) return type.status();
    int64_t version = (*stmt)->Int(0);
    std::string_view blob = (*stmt)->TextView(2);
    Result<Object> object = blob.empty()
                                ? LoggedRow(ObjectKey{(*stmt)->Text(3), (*stmt)->Text(4), (*stmt)->Text(5)},
                                            version)
                                : DecodeObjectBlob(blob);
    if (!object.ok()) return object.status();
    out.push_back(WatchEvent{version, *type, std::move(*object)});
  }
  return out;
}

}  // namespace sesame::store
