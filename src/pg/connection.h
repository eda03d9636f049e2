// A PostgreSQL connection (libpq) owned by RAII, and the results it returns. Opening one is a
// static factory that throws a one-line, redacted Error classified by cause: unreachable server
// (Network), rejected credentials (Auth), missing database (NotFound), anything else (Source).
// Passwords come from libpq's usual places (the URI, PGPASSWORD, ~/.pgpass, passfile) or from a
// Login resolved in memory (common/login.h), given to libpq as a connection parameter.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/login.h"

namespace snaplake::pg {

// A PGresult owned by RAII: rows of text values (the catalog queries use text results).
class Result {
 public:
  explicit Result(PGresult* result) : result_(result, &PQclear) {}
  PGresult* get() const { return result_.get(); }
  int rows() const { return PQntuples(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view value(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<size_t>(PQgetlength(result_.get(), row, column))};
  }
  // The column of this name; throws Error(Internal) when the query has none.
  int column(std::string_view name) const;
  std::string text(int row, std::string_view name) const;
  int64_t integer(int row, std::string_view name) const;
  bool boolean(int row, std::string_view name) const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// The parts of a postgresql:// URI (or key=value conninfo) that snaplake needs to know.
struct ConnInfo {
  std::string database;  // "" when the URI names none
  std::string user;
  std::string host;
  std::string sslmode;        // "" when the URI names none
  std::string port;           // "" when the URI names none (libpq: 5432)
  bool has_password = false;  // the text itself holds a password (user:pw@, ?password=)
};
// Parses a URI with libpq's own parser; throws Error(InvalidInput) for a malformed one.
ConnInfo parse_conninfo(const std::string& uri);

class Connection {
 public:
  // Connects to `uri`, to `database` instead of the URI's when it is not empty, as `login`'s
  // user and with its password where they are not empty.
  static Connection open(const std::string& uri, const std::string& database = {},
                         const std::string& application_name = "snaplake", const Login& login = {});

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // Runs one or more statements; throws Error(Source) naming `what` and the server's message.
  Result exec(std::string_view sql, std::string_view what = {});
  // Runs one statement with text parameters.
  Result exec(std::string_view sql, std::span<const std::string> params, std::string_view what);

  // Starts `COPY … TO STDOUT`; then read_copy() until it returns false.
  void start_copy_out(std::string_view copy_sql, std::string_view what);
  // The next CopyData message (one row in the binary format; the header comes with the first),
  // valid until the next call. Returns false at the end of the COPY; throws when it failed or the
  // connection was lost.
  bool read_copy(std::span<const uint8_t>& data);

  // Asks the server to cancel what this connection is running (PQcancel: safe from another
  // thread while this one is blocked in a query or a COPY). The running call then fails.
  void request_cancel() const;

  // Quotes an identifier for SQL ("a""b").
  static std::string quote_identifier(std::string_view name);
  static std::string quote_literal(std::string_view text);

  int server_version() const { return PQserverVersion(conn_.get()); }
  const std::string& database() const { return database_; }
  PGconn* raw() const { return conn_.get(); }

 private:
  Connection(PGconn* conn, std::string database)
      : conn_(conn, &PQfinish), database_(std::move(database)) {}
  // The server's message, first line, without the "ERROR:  " prefix.
  std::string last_error() const;

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  std::unique_ptr<PGcancel, decltype(&PQfreeCancel)> cancel_{nullptr, &PQfreeCancel};
  std::string database_;
  std::unique_ptr<char, decltype(&PQfreemem)> copy_buffer_{nullptr, &PQfreemem};
  std::string copy_what_;
};

// Classifies a libpq connection failure message (pure, tested): Auth, NotFound or Network.
enum class ConnectFailure { Network, Auth, NotFound, Other };
ConnectFailure classify_connect_failure(std::string_view libpq_message);
// The useful line of a libpq connection failure: "connection to server at … failed: FATAL:  x"
// becomes "x"; several lines (one per address tried) are reduced to the last meaningful one.
std::string summarize_libpq_message(std::string_view libpq_message);

}  // namespace snaplake::pg
