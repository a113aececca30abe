#include "store/sqlite_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "store/migrations.h"
#include "store/json_fields.h"
#include "store/object_blob.h"
#include "store/object_row.h"

namespace sesame::store {
namespace {

// Creates the missing directories above `path`, private to the user: the
// store holds everything about the user's sandboxes.
Status CreateParentDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return InternalError("cannot create " + dir + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

// Switching a new file to WAL needs an exclusive lock, and SQLite returns
// SQLITE_BUSY for it at once instead of calling the busy handler, so two
// processes opening a fresh database at the same moment would fail. Retry
// for as long as the busy timeout would have waited.
Status EnableWal(Database& db, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + Millis(timeout_ms);
  for (int attempt = 0;; ++attempt) {
    Status s = db.Exec("PRAGMA journal_mode=WAL");
    if (s.ok() || s.code() != Code::kUnavailable ||
        std::chrono::steady_clock::now() > deadline) {
      return s;
    }
    std::this_thread::sleep_for(Millis(std::min(1 + attempt, 20)));
  }
}

Status ConflictOn(const ObjectKey& key, int64_t given, int64_t stored) {
  return ConflictError("operation cannot be fulfilled on " + DisplayName(key) +
                       ": the object has been modified (resourceVersion " +
                       std::to_string(given) + ", now " + std::to_string(stored) +
                       "); read it again and retry");
}

Status NotFoundOn(const ObjectKey& key) { return NotFoundError(DisplayName(key) + " not found"); }

}  // namespace

std::string DisplayName(const ObjectKey& key) {
  std::string out = specs::ResourceName(key.kind) + "/" + key.name;
  if (key.namespace_ != specs::kDefaultNamespace) out += " in namespace " + key.namespace_;
  return out;
}

// The directory of the change-notification sockets: next to the database,
// like its -wal and -shm files. None for a private in-memory database.
static std::string NotifyDirFor(const std::string& db_path) {
  if (db_path.empty() || db_path == ":memory:" || db_path.rfind("file:", 0) == 0) return "";
  return db_path + "-notify";
}

SqliteStore::SqliteStore(std::unique_ptr<Database> db, const Clock& clock, const StoreOptions& options)
    : db_(std::move(db)), clock_(clock), options_(options) {
  signal_ = std::make_unique<ChangeSignal>(
      NotifyDirFor(db_->path()),
      [this] {
        auto v = DataVersion();
        return v.ok() ? *v : int64_t{0};
      },
      options_.change_fallback_period);
  db_->set_on_commit([this] { signal_->Committed(); });
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const Clock& clock,
                                               const StoreOptions& options) {
  SESAME_RETURN_IF_ERROR(CreateParentDirectories(path));
  Result<std::unique_ptr<Database>> db = Database::Open(path, options.busy_timeout_ms);
  if (!db.ok()) return db.status();
  // WAL lets the CLI read while the controller writes; NORMAL sync is safe
  // in WAL mode (a power cut may lose the last commits, never corrupt). A
  // larger page cache and checkpoint interval keep a 10,000-object apply
  // from spilling and checkpointing in the middle of its commit.
  SESAME_RETURN_IF_ERROR(EnableWal(**db, options.busy_timeout_ms));
  SESAME_RETURN_IF_ERROR((*db)->Exec(
      "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768; "
      "PRAGMA wal_autocheckpoint=4000;"));
  SESAME_RETURN_IF_ERROR(Migrate(**db));
  return std::unique_ptr<Store>(new SqliteStore(std::move(*db), clock, options));
}

Result<std::optional<Object>> SqliteStore::ReadObject(const ObjectKey& key) {
  Result<StatementRef> stmt = db_->Prepare("SELECT " SESAME_OBJECT_COLUMNS
                                           " FROM objects WHERE kind = ?1 AND namespace = ?2 "
                                           "AND name = ?3");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, key.kind);
  (*stmt)->Bind(2, key.namespace_);
  (*stmt)->Bind(3, key.name);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Object>();
  Result<Object> object = ObjectFromRow(**stmt);
  if (!object.ok()) return object.status();
  return std::optional<Object>(std::move(*object));
}

Result<SqliteStore::Versions> SqliteStore::BeginVersions() {
  Result<int64_t> rv = db_->QueryInt("SELECT resource_version FROM counter WHERE id = 1");
  if (!rv.ok()) return rv.status();
  return Versions{*rv, *rv};
}

Status SqliteStore::FinishVersions(const Versions& v) {
  if (v.current == v.start) return Status::Ok();
  Result<StatementRef> stmt = db_->Prepare("UPDATE counter SET resource_version = ?1 WHERE id = 1");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, v.current);
  SESAME_RETURN_IF_ERROR((*stmt)->Run());
  if (v.current / options_.change_prune_every != v.start / options_.change_prune_every) {
    return PruneChangeLog(v.current);
  }
  return Status::Ok();
}

Status SqliteStore::WriteObject(const Object& o, WatchType type) {
  if (type != WatchType::kAdded) SESAME_RETURN_IF_ERROR(KeepLoggedState(specs::KeyOf(o)));
  // A plain INSERT for a new row skips the upsert's conflict handling.
  Result<StatementRef> upsert =
      db_->Prepare(type == WatchType::kAdded ? kInsertObjectSql : kUpsertObjectSql);
  if (!upsert.ok()) return upsert.status();
  BindObjectRow(**upsert, o, scratch_fields_);
  SESAME_RETURN_IF_ERROR((*upsert)->Run());
  Result<StatementRef> change = db_->Prepare(
      "INSERT INTO changes (resource_version, type, kind, namespace, name, object) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!change.ok()) return change.status();
  scratch_blob_.clear();
  if (type != WatchType::kAdded) EncodeObjectBlob(o, scratch_blob_);
  (*change)->Bind(1, o.metadata.resource_version);
  (*change)->BindStatic(2, ToString(type));
  (*change)->BindStatic(3, o.kind);
  (*change)->BindStatic(4, o.metadata.namespace_);
  (*change)->BindStatic(5, o.metadata.name);
  (*change)->BindBlobStatic(6, scratch_blob_);
  return (*change)->Run();
}

Status SqliteStore::KeepLoggedState(const ObjectKey& key) {
  int64_t logged = 0;
  {
    Result<StatementRef> find = db_->Prepare(
        "SELECT c.resource_version FROM objects o JOIN changes c "
        "ON c.resource_version = o.resource_version "
        "WHERE o.kind = ?1 AND o.namespace = ?2 AND o.name = ?3 AND length(c.object) = 0");
    if (!find.ok()) return find.status();
    (*find)->Bind(1, key.kind);
    (*find)->Bind(2, key.namespace_);
    (*find)->Bind(3, key.name);
    Result<bool> row = (*find)->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    logged = (*find)->Int(0);
  }
  Result<std::optional<Object>> current = ReadObject(key);
  if (!current.ok()) return current.status();
  if (!*current) return InternalError(DisplayName(key) + " vanished while being written");
  Result<StatementRef> fill =
      db_->Prepare("UPDATE changes SET object = ?1 WHERE resource_version = ?2");
  if (!fill.ok()) return fill.status();
  std::string blob = EncodeObjectBlob(**current);
  (*fill)->BindBlobStatic(1, blob);
  (*fill)->Bind(2, logged);
  return (*fill)->Run();
}

Status SqliteStore::RemoveObject(const Object& last) {
  SESAME_RETURN_IF_ERROR(KeepLoggedState(specs::KeyOf(last)));
  Result<StatementRef> stmt =
      db_->Prepare("DELETE FROM objects WHERE kind = ?1 AND namespace = ?2 AND name = ?3");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, last.kind);
  (*stmt)->Bind(2, last.metadata.namespace_);
  (*stmt)->Bind(3, last.metadata.name);
  SESAME_RETURN_IF_ERROR((*stmt)->Run());
  Result<StatementRef> change = db_->Prepare(
      "INSERT INTO changes (resource_version, type, kind, namespace, name, object) "
      "VALUES (?1, 'DELETED', ?2, ?3, ?4, ?5)");
  if (!change.ok()) return change.status();
  std::string blob = EncodeObjectBlob(last);
  (*change)->Bind(1, last.metadata.resource_version);
  (*change)->BindStatic(2, last.kind);
  (*change)->BindStatic(3, last.metadata.namespace_);
  (*change)->BindStatic(4, last.metadata.name);
  (*change)->BindBlobStatic(5, blob);
  return (*change)->Run();
}

Result<Object> SqliteStore::MarkDeleted(Object existing, Versions& v, bool* changed) {
  *changed = false;
  if (!existing.metadata.finalizers.empty()) {
    if (existing.metadata.deletion_timestamp) return existing;  // already on its way out
    existing.metadata.deletion_timestamp = FromMillis(ToMillis(clock_.Now()));
    existing.metadata.resource_version = v.Next();
    SESAME_RETURN_IF_ERROR(WriteObject(existing, WatchType::kModified));
  } else {
    existing.metadata.resource_version = v.Next();
    SESAME_RETURN_IF_ERROR(RemoveObject(existing));
  }
  *changed = true;
  return existing;
}

Result<Object> SqliteStore::Get(const ObjectKey& key) {
  MutexLock lock(mutex_);
  Result<std::optional<Object>> object = ReadObject(key);
  if (!object.ok()) return object.status();
  if (!*object) return NotFoundOn(key);
  return std::move(**object);
}

Result<StatementRef> SqliteStore::PrepareList(const ListOptions& options) {
  Result<StatementRef> stmt = db_->Prepare(
      "SELECT " SESAME_OBJECT_COLUMNS " FROM objects WHERE kind = ?1 "
      "AND (?2 = '' OR namespace = ?2) AND (?3 = '' OR name = ?3) ORDER BY namespace, name");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, options.kind);
  (*stmt)->Bind(2, options.namespace_);
  (*stmt)->Bind(3, options.name);
  return stmt;
}

Result<std::vector<Object>> SqliteStore::List(const ListOptions& options) {
  MutexLock lock(mutex_);
  return ListUnlocked(options);
}

Result<std::vector<Object>> SqliteStore::ListUnlocked(const ListOptions& options) {
  Result<StatementRef> stmt = PrepareList(options);
  if (!stmt.ok()) return stmt.status();
  std::vector<Object> out;
  for (;;) {
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Result<Object> object = ObjectFromRow(**stmt);
    if (!object.ok()) return object.status();
    if (options.selector.Matches(object->metadata.labels)) out.push_back(std::move(*object));
  }
  return out;
}

Result<int64_t> SqliteStore::ListJson(const ListOptions& options,
                                      const std::function<void(std::string_view json)>& on_item) {
  MutexLock lock(mutex_);
  Transaction txn(*db_);  // the version and the rows from one snapshot
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/false));
  Result<int64_t> rv = db_->QueryInt("SELECT resource_version FROM counter WHERE id = 1");
  if (!rv.ok()) return rv.status();
  {
    Result<StatementRef> stmt = PrepareList(options);
    if (!stmt.ok()) return stmt.status();
    std::string text;
    for (;;) {
      Result<bool> row = (*stmt)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (!options.selector.empty()) {
        Result<specs::StringMap> labels = DecodeStringMap((*stmt)->TextView(9));
        if (!labels.ok()) return labels.status();
        if (!options.selector.Matches(*labels)) continue;
      }
      text.clear();
      ObjectJsonFromRow(**stmt, text);
      on_item(text);
    }
  }
  SESAME_RETURN_IF_ERROR(txn.Commit());
  return *rv;
}

Result<int64_t> SqliteStore::CurrentResourceVersion() {
  MutexLock lock(mutex_);
  return db_->QueryInt("SELECT resource_version FROM counter WHERE id = 1");
}

Result<int64_t> SqliteStore::DataVersion() {
  MutexLock lock(mutex_);
  return db_->QueryInt("PRAGMA data_version");
}

void SqliteStore::ReleaseMemory() {
  MutexLock lock(mutex_);
  (void)db_->Exec("PRAGMA shrink_memory");  // sqlite3_db_release_memory
}

Result<Object> SqliteStore::Update(const Object& object) {
  MutexLock lock(mutex_);
  ObjectKey key = specs::KeyOf(object);
  Transaction txn(*db_);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/true));
  Result<std::optional<Object>> existing = ReadObject(key);
  if (!existing.ok()) return existing.status();
  if (!*existing) return NotFoundOn(key);
  const Object& old = **existing;
  int64_t given = object.metadata.resource_version;
  if (given != 0 && given != old.metadata.resource_version) {
    return ConflictOn(key, given, old.metadata.resource_version);
  }
  Object next = old;
  next.metadata.labels = object.metadata.labels;
  next.metadata.annotations = object.metadata.annotations;
  next.metadata.finalizers = object.metadata.finalizers;
  next.spec = object.spec;
  if (next.spec != old.spec) ++next.metadata.generation;
  bool remove = next.metadata.deletion_timestamp && next.metadata.finalizers.empty();
  if (!remove && next == old) return next;  // nothing to write: no new version
  Result<Versions> v = BeginVersions();
  if (!v.ok()) return v.status();
  // Only a spec change can grow what a namespace uses.
  Result<QuotaBaseline> quota = next.spec != old.spec ? BeginQuotaCheck({next}) : QuotaBaseline{};
  if (!quota.ok()) return quota.status();
  next.metadata.resource_version = v->Next();
  SESAME_RETURN_IF_ERROR(remove ? RemoveObject(next) : WriteObject(next, WatchType::kModified));
  SESAME_RETURN_IF_ERROR(FinishQuotaCheck(*quota));
  SESAME_RETURN_IF_ERROR(FinishVersions(*v));
  SESAME_RETURN_IF_ERROR(txn.Commit());
  return next;
}

Result<Object> SqliteStore::UpdateStatus(const Object& object) {
  MutexLock lock(mutex_);
  ObjectKey key = specs::KeyOf(object);
  Transaction txn(*db_);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/true));
  Result<std::optional<Object>> existing = ReadObject(key);
  if (!existing.ok()) return existing.status();
  if (!*existing) return NotFoundOn(key);
  Object next = std::move(**existing);
  int64_t given = object.metadata.resource_version;
  if (given != 0 && given != next.metadata.resource_version) {
    return ConflictOn(key, given, next.metadata.resource_version);
  }
  if (next.status == object.status) return next;
  next.status = object.status;
  Result<Versions> v = BeginVersions();
  if (!v.ok()) return v.status();
  next.metadata.resource_version = v->Next();
  SESAME_RETURN_IF_ERROR(WriteObject(next, WatchType::kModified));
  SESAME_RETURN_IF_ERROR(FinishVersions(*v));
  SESAME_RETURN_IF_ERROR(txn.Commit());
  return next;
}

Status SqliteStore::Delete(const ObjectKey& key, int64_t resource_version) {
  MutexLock lock(mutex_);
  Transaction txn(*db_);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/true));
  Result<std::optional<Object>> existing = ReadObject(key);
  if (!existing.ok()) return existing.status();
  if (!*existing) return NotFoundOn(key);
  int64_t stored = (*existing)->metadata.resource_version;
  if (resource_version != 0 && resource_version != stored) {
    return ConflictOn(key, resource_version, stored);
  }
  Result<Versions> v = BeginVersions();
  if (!v.ok()) return v.status();
  bool changed = false;
  Result<Object> deleted = MarkDeleted(std::move(**existing), *v, &changed);
  if (!deleted.ok()) return deleted.status();
  if (!changed) return Status::Ok();
  SESAME_RETURN_IF_ERROR(FinishVersions(*v));
  return txn.Commit();
}

}  // namespace sesame::store
