// A thin RAII layer over the SQLite C API, shared by the embedded queue and the pipeline's
// status store. Every connection is opened the same way: WAL journal (readers never block the
// one writer), a busy timeout (several processes on one machine wait their turn instead of
// failing with SQLITE_BUSY), and foreign keys on.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace snaplake::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind_null(int index);
  // Advances; false when done. Throws Error(Io) on failure.
  bool step();
  // Runs to completion, ignoring rows.
  void run();
  int64_t integer(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  // Opens (creating it and its folder if needed) the database file.
  static std::unique_ptr<Database> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  int64_t changes() const;

  // BEGIN IMMEDIATE … COMMIT; rolled back if the scope is left by an exception. IMMEDIATE takes
  // the write lock up front, so two processes never both read and then both try to upgrade.
  class Transaction {
   public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

   private:
    Database& db_;
    bool done_ = false;
  };

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

}  // namespace snaplake::sqlite
