// Security violations, bounded per sandbox, and the small settings table.
#include <set>

#include "store/object_blob.h"
#include "store/sqlite_store.h"

namespace sesame::store {

namespace {

// Drops the oldest violations of `uid` beyond the limit, counting them.
Status TrimSandbox(Database& db, const std::string& uid) {
  auto count = db.Prepare("SELECT count(*) FROM violations WHERE uid = ?1");
  if (!count.ok()) return count.status();
  (*count)->Bind(1, uid);
  auto row = (*count)->Step();
  if (!row.ok()) return row.status();
  int64_t excess = (*count)->Int(0) - kMaxViolationsPerSandbox;
  (*count)->Reset();
  if (excess <= 0) return Status::Ok();
  auto tally = db.Prepare(
      "UPDATE violation_totals SET dropped = dropped + n FROM (SELECT violation AS v, count(*) AS n "
      "FROM (SELECT violation FROM violations WHERE uid = ?1 ORDER BY id LIMIT ?2) GROUP BY violation) "
      "WHERE violation_totals.violation = v");
  if (!tally.ok()) return tally.status();
  (*tally)->Bind(1, uid);
  (*tally)->Bind(2, excess);
  SESAME_RETURN_IF_ERROR((*tally)->Run());
  auto drop = db.Prepare(
      "DELETE FROM violations WHERE id IN (SELECT id FROM violations WHERE uid = ?1 ORDER BY id LIMIT ?2)");
  if (!drop.ok()) return drop.status();
  (*drop)->Bind(1, uid);
  (*drop)->Bind(2, excess);
  return (*drop)->Run();
}

}  // namespace

Status SqliteStore::RecordViolations(const std::vector<Violation>& violations) {
  if (violations.empty()) return Status::Ok();
  MutexLock lock(mutex_);
  Transaction txn(*db_);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/true));
  std::set<std::string> touched;
  for (const auto& v : violations) {
    auto insert = db_->Prepare(
        "INSERT OR IGNORE INTO violations (kind, namespace, name, uid, seq, time_ms, violation, "
        "operation, target, rule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!insert.ok()) return insert.status();
    (*insert)->Bind(1, v.sandbox.kind);
    (*insert)->Bind(2, v.sandbox.namespace_);
    (*insert)->Bind(3, v.sandbox.name);
    (*insert)->Bind(4, v.sandbox_uid);
    (*insert)->Bind(5, v.seq);
    (*insert)->Bind(6, ToMillis(v.time));
    (*insert)->Bind(7, v.kind);
    (*insert)->Bind(8, v.operation);
    (*insert)->Bind(9, v.target);
    (*insert)->Bind(10, v.rule);
    SESAME_RETURN_IF_ERROR((*insert)->Run());
    auto changed = db_->QueryInt("SELECT changes()");
    if (!changed.ok()) return changed.status();
    if (*changed == 0) continue;  // already stored
    auto total = db_->Prepare(
        "INSERT INTO violation_totals (violation, recorded, dropped) VALUES (?1, 1, 0) "
        "ON CONFLICT (violation) DO UPDATE SET recorded = recorded + 1");
    if (!total.ok()) return total.status();
    (*total)->Bind(1, v.kind);
    SESAME_RETURN_IF_ERROR((*total)->Run());
    touched.insert(v.sandbox_uid);
  }
  for (const auto& uid : touched) SESAME_RETURN_IF_ERROR(TrimSandbox(*db_, uid));
  return txn.Commit();
}

Result<std::vector<Violation>> SqliteStore::ListViolations(const ViolationFilter& filter) {
  MutexLock lock(mutex_);
  auto stmt = db_->Prepare(
      "SELECT id, kind, namespace, name, uid, seq, time_ms, violation, operation, target, rule "
      "FROM violations WHERE id > ?1 AND (?2 = '' OR namespace = ?2) AND (?3 = '' OR name = ?3) "
      "ORDER BY id LIMIT ?4");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, filter.after_id);
  (*stmt)->Bind(2, filter.namespace_);
  (*stmt)->Bind(3, filter.name);
  (*stmt)->Bind(4, filter.limit == 0 ? int64_t{-1} : static_cast<int64_t>(filter.limit));
  std::vector<Violation> out;
  while (true) {
    auto row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Violation v;
    v.id = (*stmt)->Int(0);
    v.sandbox = {(*stmt)->Text(1), (*stmt)->Text(2), (*stmt)->Text(3)};
    v.sandbox_uid = (*stmt)->Text(4);
    v.seq = (*stmt)->Int(5);
    v.time = FromMillis((*stmt)->Int(6));
    v.kind = (*stmt)->Text(7);
    v.operation = (*stmt)->Text(8);
    v.target = (*stmt)->Text(9);
    v.rule = (*stmt)->Text(10);
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<ViolationTotal>> SqliteStore::ViolationTotals() {
  MutexLock lock(mutex_);
  auto stmt = db_->Prepare("SELECT violation, recorded, dropped FROM violation_totals ORDER BY violation");
  if (!stmt.ok()) return stmt.status();
  std::vector<ViolationTotal> out;
  while (true) {
    auto row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({(*stmt)->Text(0), (*stmt)->Int(1), (*stmt)->Int(2)});
  }
  return out;
}

Result<std::optional<std::string>> SqliteStore::GetSetting(const std::string& name) {
  MutexLock lock(mutex_);
  auto stmt = db_->Prepare("SELECT value FROM settings WHERE name = ?1");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, name);
  auto row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>((*stmt)->Text(0));
}

Status SqliteStore::PutSetting(const std::string& name, const std::string& value) {
  MutexLock lock(mutex_);
  auto stmt = db_->Prepare(
      "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, name);
  (*stmt)->Bind(2, value);
  SESAME_RETURN_IF_ERROR((*stmt)->Run());
  db_->Committed();
  return Status::Ok();
}

}  // namespace sesame::store
