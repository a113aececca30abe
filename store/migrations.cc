#include "store/migrations.h"

#include <string>

#include "store/store.h"

namespace sesame::store {
namespace {

// migrations[i] takes the schema from version i to version i + 1. Append
// only: a released step never changes.
const char* const kMigrations[] = {
    // 0 -> 1: objects, the resourceVersion counter, the change log, events,
    // leases.
    R"sql(
CREATE TABLE objects (
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  api_version TEXT NOT NULL,
  uid TEXT NOT NULL,
  generation INTEGER NOT NULL,
  resource_version INTEGER NOT NULL,
  creation_ts INTEGER,
  deletion_ts INTEGER,
  labels TEXT NOT NULL DEFAULT '{}',
  annotations TEXT NOT NULL DEFAULT '{}',
  finalizers TEXT NOT NULL DEFAULT '[]',
  spec TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT '{}',
  applyset TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (kind, namespace, name)
);
CREATE INDEX objects_applyset ON objects(applyset) WHERE applyset != '';
CREATE TABLE counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  resource_version INTEGER NOT NULL
);
INSERT INTO counter(id, resource_version) VALUES (1, 0);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta(key, value) VALUES ('oldest_change', 1);
CREATE TABLE changes (
  resource_version INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  object BLOB NOT NULL
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  type TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  UNIQUE (kind, namespace, name, type, reason, message)
);
CREATE INDEX events_last_ts ON events(last_ts);
CREATE INDEX events_namespace ON events(namespace, last_ts);
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
)sql",
    // 1 -> 2: security violations (bounded per sandbox, with lifetime
    // totals by kind) and settings (the admin's sandbox-security settings).
    R"sql(
CREATE TABLE violations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  uid TEXT NOT NULL,
  seq INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  violation TEXT NOT NULL,
  operation TEXT NOT NULL,
  target TEXT NOT NULL,
  rule TEXT NOT NULL,
  UNIQUE (uid, seq)
);
CREATE INDEX violations_sandbox ON violations(uid, id);
CREATE TABLE violation_totals (
  violation TEXT PRIMARY KEY,
  recorded INTEGER NOT NULL,
  dropped INTEGER NOT NULL
);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql",
    // 2 -> 3: no table changes. A change log entry of a creation may now
    // hold an empty object, standing for the object's row
    // (store/change_log.cc); the version keeps an older sesame, which would
    // fail to read such entries, from opening the store.
    R"sql(
UPDATE meta SET value = value WHERE key = 'oldest_change';
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

// The stored schema version; -1 when there is no schema_version table yet.
Result<int> StoredVersion(Database& db) {
  Result<int64_t> tables = db.QueryInt(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  if (!tables.ok()) return tables.status();
  if (*tables == 0) return -1;
  Result<int64_t> version = db.QueryInt("SELECT max(version) FROM schema_version");
  if (!version.ok()) return version.status();
  return static_cast<int>(*version);
}

Result<int> ReadVersion(Database& db) {
  Result<int> version = StoredVersion(db);
  if (!version.ok() || *version >= 0) return version;
  SESAME_RETURN_IF_ERROR(db.Exec("CREATE TABLE schema_version (version INTEGER NOT NULL);"
                                 "INSERT INTO schema_version(version) VALUES (0);"));
  return 0;
}

}  // namespace

Status Migrate(Database& db) {
  // Up to date, as at every open but the first after an upgrade: a plain
  // read, without the write lock that would wait for a writer (the
  // controller) to finish its transaction.
  Result<int> stored = StoredVersion(db);
  if (!stored.ok()) return stored.status();
  if (*stored == kSchemaVersion) return Status::Ok();
  Transaction txn(db);
  SESAME_RETURN_IF_ERROR(txn.Begin(/*immediate=*/true));
  Result<int> version = ReadVersion(db);
  if (!version.ok()) return version.status();
  if (*version > kSchemaVersion) {
    return TerminalError("state.db has schema version " + std::to_string(*version) +
                         ", newer than this sesame understands (" +
                         std::to_string(kSchemaVersion) + "); upgrade sesame");
  }
  if (*version == kSchemaVersion) return txn.Commit();
  for (int v = *version; v < kSchemaVersion; ++v) {
    SESAME_RETURN_IF_ERROR(db.Exec(kMigrations[v]));
  }
  std::string bump = "UPDATE schema_version SET version = " + std::to_string(kSchemaVersion);
  SESAME_RETURN_IF_ERROR(db.Exec(bump.c_str()));
  return txn.Commit();
}

}  // namespace sesame::store
