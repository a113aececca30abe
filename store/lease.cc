// Leases: one row per name, taken by whoever finds it free or expired.
#include "store/sqlite_store.h"

namespace sesame::store {

Result<bool> SqliteStore::TryAcquireLease(const std::string& name, const std::string& holder,
                                          Millis duration) {
  MutexLock lock(mutex_);
  int64_t now_ms =
      std::chrono::duration_cast<Millis>(clock_.Now().time_since_epoch()).count();
  Transaction txn(*db_);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/true));
  // One statement decides: insert when absent, take over when expired or
  // ours; otherwise leave the row as it is.
  auto upsert = db_->Prepare(
      "INSERT INTO leases(name, holder, expires_ms) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(name) DO UPDATE SET holder = ?2, expires_ms = ?3 "
      "WHERE leases.holder = ?2 OR leases.expires_ms < ?4");
  if (!upsert.ok()) return upsert.status();
  (*upsert)->Bind(1, name);
  (*upsert)->Bind(2, holder);
  (*upsert)->Bind(3, now_ms + duration.count());
  (*upsert)->Bind(4, now_ms);
  SESAME_RETURN_IF_ERROR((*upsert)->Run());
  auto check = db_->Prepare("SELECT holder FROM leases WHERE name = ?1");
  if (!check.ok()) return check.status();
  (*check)->Bind(1, name);
  auto row = (*check)->Step();
  if (!row.ok()) return row.status();
  bool held = *row && (*check)->Text(0) == holder;
  (*check)->Reset();
  SESAME_RETURN_IF_ERROR(txn.Commit(/*notify=*/false));
  return held;
}

Status SqliteStore::ReleaseLease(const std::string& name, const std::string& holder) {
  MutexLock lock(mutex_);
  auto stmt = db_->Prepare("DELETE FROM leases WHERE name = ?1 AND holder = ?2");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, name);
  (*stmt)->Bind(2, holder);
  SESAME_RETURN_IF_ERROR((*stmt)->Run());
  db_->Committed();  // a standby waiting for the lease wakes at once
  return Status::Ok();
}

}  // namespace sesame::store
