#pragma once
// Thin RAII wrappers over the SQLite C API: a connection that caches its
// prepared statements, a statement handle that resets itself when the caller
// is done with it (an un-reset SELECT would pin a WAL snapshot), and a
// transaction that rolls back unless committed. Internal to store/.
//
// Thread safety: none; the owning Store serializes access.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sesame::store {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in sqlite3_bind_*. Text is copied.
  void Bind(int index, int64_t value);
  void Bind(int index, std::string_view text);
  // Not copied: the bytes must stay valid until the statement is reset.
  // Apply binds tens of thousands of strings; copying them showed up.
  void BindStatic(int index, std::string_view text);
  void BindBlobStatic(int index, std::string_view bytes);
  void BindNull(int index);

  // Advances one row: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  void Reset();

  // Columns are 0-based, as in sqlite3_column_*.
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string_view TextView(int column) const;  // valid until the next Step

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// A borrowed cached statement; resets it (and clears bindings) on scope exit.
class StatementRef {
 public:
  explicit StatementRef(Statement* s) : s_(s) {}
  ~StatementRef() { if (s_) s_->Reset(); }
  StatementRef(StatementRef&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  StatementRef(const StatementRef&) = delete;
  StatementRef& operator=(const StatementRef&) = delete;
  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }

 private:
  Statement* s_;
};

class Database {
 public:
  // Opens (creating) the file; sets the busy timeout before anything else so
  // that concurrent openers wait instead of failing.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, int busy_timeout_ms);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(const char* sql);
  // Returns the cached statement for `sql` (keyed by its text).
  Result<StatementRef> Prepare(const char* sql);
  // The first column of the first row, as an integer (0 when no row).
  Result<int64_t> QueryInt(const char* sql);

  const std::string& path() const { return path_; }
  // Called after every committed write transaction (BEGIN IMMEDIATE).
  void set_on_commit(std::function<void()> f) { on_commit_ = std::move(f); }
  void Committed() const {
    if (on_commit_) on_commit_();
  }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
  std::function<void()> on_commit_;
};

// Converts a SQLite result code into a Status: busy/locked are transient
// (kUnavailable), everything else kInternal.
Status SqliteError(sqlite3* db, int rc, std::string_view what);

// BEGIN [IMMEDIATE] ... COMMIT; rolls back in the destructor when not
// committed, so every early return leaves the database untouched.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // IMMEDIATE takes the write lock up front: a deferred transaction that
  // upgrades later can fail with SQLITE_BUSY without waiting.
  Status Begin(bool immediate);
  // Commits; `notify` false keeps a write nobody waits for (a lease
  // renewal) from waking every waiter.
  Status Commit(bool notify = true);
  Status Rollback();

 private:
  Database& db_;
  bool open_ = false;
  bool write_ = false;  // begun IMMEDIATE
};

}  // namespace sesame::store
