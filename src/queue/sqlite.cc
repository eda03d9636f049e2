#include "queue/sqlite.h"

#include <sqlite3.h>

#include <filesystem>

#include "common/error.h"

namespace snaplake::sqlite {
namespace {

[[noreturn]] void fail_sqlite(sqlite3* db, std::string_view what) {
  fail(ErrorKind::Io, "{}: {}", what, db ? sqlite3_errmsg(db) : "out of memory");
}

}  // namespace

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    fail_sqlite(db_, "cannot bind a statement parameter");
  }
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) {
    fail_sqlite(db_, "cannot bind a statement parameter");
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) {
    fail_sqlite(db_, "cannot bind a statement parameter");
  }
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(ErrorKind::Io, "cannot run '{}' on '{}': {}", sqlite3_sql(stmt_),
       sqlite3_db_filename(db_, "main"), sqlite3_errmsg(db_));
}

void Statement::run() {
  while (step()) {
  }
}

int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!data) return {};
  return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::unique_ptr<Database> Database::open(const std::string& path) {
  std::error_code ec;
  auto folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  if (ec) fail(ErrorKind::Io, "cannot create folder '{}': {}", folder.string(), ec.message());
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> database(new Database(db, path));
  if (rc != SQLITE_OK) fail_sqlite(db, fmt::format("cannot open SQLite database '{}'", path));
  // Several processes share the file: wait for the lock rather than fail.
  sqlite3_busy_timeout(db, 30'000);
  database->exec("PRAGMA journal_mode=WAL");
  database->exec("PRAGMA synchronous=NORMAL");
  database->exec("PRAGMA foreign_keys=ON");
  return database;
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string cause = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    fail(ErrorKind::Io, "cannot run '{}' on '{}': {}", sql, path_, cause);
  }
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    fail_sqlite(db_, fmt::format("cannot prepare '{}' on '{}'", sql, path_));
  }
  return Statement(db_, stmt);
}

int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

Database::Transaction::Transaction(Database& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Database::Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Database::Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace snaplake::sqlite
