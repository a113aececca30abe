// Events, deduplicated as Kubernetes does: one row per (object, type,
// reason, message) whose count and lastTimestamp grow on every repeat.
//
// Retention: every `event_prune_every` new rows, events that are both
// outside the newest `event_retention` and older than `event_max_age` are
// deleted, so a noisy controller cannot grow the file without bound while a
// recent burst is never cut short.

#include "store/object_blob.h"
#include "store/sqlite_store.h"

namespace sesame::store {

Status SqliteStore::RecordEvent(const Event& event) {
  MutexLock lock(mutex_);
  int64_t now = ToMillis(event.last_timestamp != Time{} ? event.last_timestamp : clock_.Now());
  Transaction txn(*db_);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/true));
  Result<StatementRef> stmt = db_->Prepare(
      "INSERT INTO events (kind, namespace, name, uid, type, reason, message, count, "
      "first_ts, last_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8) "
      "ON CONFLICT (kind, namespace, name, type, reason, message) DO UPDATE SET "
      "count = count + 1, last_ts = max(last_ts, excluded.last_ts), uid = excluded.uid "
      "RETURNING id");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, event.object.kind);
  (*stmt)->Bind(2, event.object.namespace_);
  (*stmt)->Bind(3, event.object.name);
  (*stmt)->Bind(4, event.object_uid);
  (*stmt)->Bind(5, event.type.empty() ? std::string_view("Normal") : event.type);
  (*stmt)->Bind(6, event.reason);
  (*stmt)->Bind(7, event.message);
  (*stmt)->Bind(8, now);
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  int64_t id = *row ? (*stmt)->Int(0) : 0;
  SESAME_RETURN_IF_ERROR((*stmt)->Run());  // finish the statement before committing
  if (id > 0 && id % options_.event_prune_every == 0) {
    SESAME_RETURN_IF_ERROR(PruneEvents(now));
  }
  // Nobody waits for events (watches and the controller follow the change
  // log of objects, which this does not touch): waking every waiter in
  // every process would only make them read the log for nothing, at the
  // moment the action the event reports is being completed.
  return txn.Commit(/*notify=*/false);
}

Status SqliteStore::PruneEvents(int64_t now_ms) {
  Result<StatementRef> stmt = db_->Prepare(
      "DELETE FROM events WHERE last_ts < ?1 AND id NOT IN "
      "(SELECT id FROM events ORDER BY last_ts DESC LIMIT ?2)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, now_ms - options_.event_max_age.count());
  (*stmt)->Bind(2, options_.event_retention);
  return (*stmt)->Run();
}

Result<std::vector<Event>> SqliteStore::ListEvents(const EventFilter& filter) {
  MutexLock lock(mutex_);
  Result<StatementRef> stmt = db_->Prepare(
      "SELECT id, kind, namespace, name, uid, type, reason, message, count, first_ts, last_ts "
      "FROM events WHERE (?1 = '' OR namespace = ?1) "
      "AND (?2 IS NULL OR (kind = ?2 AND namespace = ?3 AND name = ?4)) "
      "ORDER BY last_ts DESC, id DESC LIMIT ?5");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, filter.namespace_);
  if (filter.object) {
    (*stmt)->Bind(2, filter.object->kind);
    (*stmt)->Bind(3, filter.object->namespace_);
    (*stmt)->Bind(4, filter.object->name);
  }
  (*stmt)->Bind(5, filter.limit == 0 ? int64_t{-1} : static_cast<int64_t>(filter.limit));
  std::vector<Event> out;
  for (;;) {
    Result<bool> row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const Statement& r = **stmt;
    Event e;
    e.id = r.Int(0);
    e.object = ObjectKey{r.Text(1), r.Text(2), r.Text(3)};
    e.object_uid = r.Text(4);
    e.type = r.Text(5);
    e.reason = r.Text(6);
    e.message = r.Text(7);
    e.count = r.Int(8);
    e.first_timestamp = FromMillis(r.Int(9));
    e.last_timestamp = FromMillis(r.Int(10));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace sesame::store
