#include "store/sqlite.h"

#include <sqlite3.h>

namespace sesame::store {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = "sqlite: " + std::string(what) + ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return UnavailableError(message);
  return InternalError(message);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void Statement::Bind(int index, std::string_view text) {
  // A null pointer would bind SQL NULL; an empty view means the empty string.
  sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "", static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::BindStatic(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "", static_cast<int>(text.size()),
                    SQLITE_STATIC);
}

void Statement::BindBlobStatic(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data() ? bytes.data() : "",
                    static_cast<int>(bytes.size()), SQLITE_STATIC);
}

void Statement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const { return std::string(TextView(column)); }

std::string_view Statement::TextView(int column) const {
  // sqlite3_column_blob works for TEXT and BLOB alike and never converts.
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(size)};
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(db, rc, "open " + path);
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<Database>(new Database(db, path));
}

Database::~Database() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

Status Database::Exec(const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string what = error ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  Status s = SqliteError(nullptr, rc, sql);
  return Status(s.code(), "sqlite: " + std::string(sql) + ": " + what);
}

Result<StatementRef> Database::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
    it = cache_.emplace(sql, std::make_unique<Statement>(db_, stmt)).first;
  }
  return StatementRef(it->second.get());
}

Result<int64_t> Database::QueryInt(const char* sql) {
  Result<StatementRef> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  return *row ? (*stmt)->Int(0) : 0;
}

Transaction::~Transaction() {
  if (open_) (void)Rollback();
}

Status Transaction::Begin(bool immediate) {
  SESAME_RETURN_IF_ERROR(db_.Exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  open_ = true;
  write_ = immediate;
  return Status::Ok();
}

Status Transaction::Commit(bool notify) {
  SESAME_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  open_ = false;
  if (write_ && notify) db_.Committed();
  return Status::Ok();
}

Status Transaction::Rollback() {
  open_ = false;
  return db_.Exec("ROLLBACK");
}

}  // namespace sesame::store
