#include <sqlite3.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "store/object_blob.h"
#include "store/sqlite_store.h"
#include "store/store.h"
#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::Sandbox;
using testing::SandboxKey;
using testing::TempDir;

void RawExec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

std::string RawQuery(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(MigrationsTest, FreshDatabaseInPrivateDirectories) {
  TempDir dir;
  std::string path = dir.File("home/.sesame/state.db");
  Result<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  struct stat st {};
  ASSERT_EQ(stat(dir.File("home/.sesame").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(RawQuery(path, "SELECT version FROM schema_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(RawQuery(path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*(*store)->CurrentResourceVersion(), 0);
}

TEST(MigrationsTest, ReopenKeepsData) {
  TempDir dir;
  std::string path = dir.File("state.db");
  {
    std::unique_ptr<Store> store = Store::Open(path).value();
    ASSERT_TRUE(store->Apply({Sandbox("a", R"({"x":1})")}, {}).ok());
  }
  Result<std::unique_ptr<Store>> reopened = Store::Open(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ((*reopened)->Get(SandboxKey("a"))->spec, R"({"x":1})");
  EXPECT_EQ(*(*reopened)->CurrentResourceVersion(), 1);
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM schema_version"), "1");
}

// Opening an up-to-date store takes no write lock: a CLI command is not
// held up by (or, with no busy timeout, refused because of) a writer in
// another process that is in the middle of its transaction.
TEST(MigrationsTest, OpeningAnUpToDateStoreWhileAnotherConnectionWritesTakesNoLock) {
  TempDir dir;
  std::string path = dir.File("state.db");
  { ASSERT_TRUE(Store::Open(path).ok()); }
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer, "BEGIN IMMEDIATE; UPDATE counter SET resource_version = 5",
                         nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(writer);
  StoreOptions no_wait;
  no_wait.busy_timeout_ms = 0;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path, Clock::Real(), no_wait);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(*(*store)->CurrentResourceVersion(), 0);  // the writer has not committed
  sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(writer);
  EXPECT_EQ(*(*store)->CurrentResourceVersion(), 5);
}

TEST(MigrationsTest, NewerSchemaIsRefused) {
  TempDir dir;
  std::string path = dir.File("state.db");
  { ASSERT_TRUE(Store::Open(path).ok()); }
  RawExec(path, "UPDATE schema_version SET version = 7");
  Result<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kTerminal);
  EXPECT_EQ(store.status().message(),
            "state.db has schema version 7, newer than this sesame understands (" +
                std::to_string(kSchemaVersion) + "); upgrade sesame");
}

TEST(MigrationsTest, AVersionOneDatabaseIsMigrated) {
  TempDir dir;
  std::string path = dir.File("state.db");
  { ASSERT_TRUE(Store::Open(path).ok()); }
  // Back to the first schema, as an older sesame left it.
  RawExec(path, "DROP TABLE violations; DROP TABLE violation_totals; DROP TABLE settings; "
                "UPDATE schema_version SET version = 1");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(RawQuery(path, "SELECT version FROM schema_version"), std::to_string(kSchemaVersion));
  EXPECT_TRUE((*store)->PutSetting("x", "1").ok());
}

// A version-2 store, as an older sesame left it: every change log entry
// holds its object, creations included. The new binary migrates it and
// reads those entries, and its own writes keep them intact.
TEST(MigrationsTest, AVersionTwoChangeLogIsReadAfterMigration) {
  TempDir dir;
  std::string path = dir.File("state.db");
  Object created;
  {
    std::unique_ptr<Store> store = Store::Open(path).value();
    Result<std::vector<ApplyOutcome>> applied = store->Apply({Sandbox("a", R"({"x":1})")}, {});
    ASSERT_TRUE(applied.ok()) << applied.status().message();
    created = applied->front().object;
  }
  {
    // Rewrite the creation's entry in the old format and go back to version 2.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE changes SET object = ?1 WHERE resource_version = 1",
                                 -1, &stmt, nullptr), SQLITE_OK);
    std::string blob = EncodeObjectBlob(created);
    sqlite3_bind_blob(stmt, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    // Make the row differ from the entry, as a later write by the old binary
    // (which logged it in full) would have.
    RawExec(path, "UPDATE objects SET spec = '{\"x\":2}', resource_version = 2;"
                  "INSERT INTO changes SELECT 2, 'MODIFIED', kind, namespace, name, object "
                  "FROM changes WHERE resource_version = 1;"
                  "UPDATE counter SET resource_version = 2;"
                  "UPDATE schema_version SET version = 2");
  }
  Result<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(RawQuery(path, "SELECT version FROM schema_version"), std::to_string(kSchemaVersion));
  ASSERT_TRUE((*store)->Apply({Sandbox("b")}, {}).ok());
  Object a = *(*store)->Get(SandboxKey("a"));
  a.status = R"({"phase":"Running"})";
  ASSERT_TRUE((*store)->UpdateStatus(a).ok());
  Result<std::vector<WatchEvent>> changes = (*store)->ChangesSince(0, 0);
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  ASSERT_EQ(changes->size(), 4u);
  EXPECT_EQ((*changes)[0].object, created);
  EXPECT_EQ((*changes)[2].type, WatchType::kAdded);
  EXPECT_EQ((*changes)[2].object.metadata.name, "b");
  EXPECT_EQ((*changes)[3].object.status, R"({"phase":"Running"})");
}

TEST(MigrationsTest, UnwritableLocationIsAnError) {
  TempDir dir;
  RawExec(dir.File("file"), "CREATE TABLE x(y)");  // a file where a directory should be
  Result<std::unique_ptr<Store>> store = Store::Open(dir.File("file/state.db"));
  EXPECT_FALSE(store.ok());
}

TEST(PathsTest, DefaultHomeFollowsSesameHome) {
  setenv("SESAME_HOME", "/srv/sesame", 1);
  EXPECT_EQ(DefaultHome(), "/srv/sesame");
  EXPECT_EQ(DefaultDatabasePath(), "/srv/sesame/state.db");
  unsetenv("SESAME_HOME");
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(DefaultHome(), "/home/u/.sesame");
}

}  // namespace
}  // namespace sesame::store
