// A MySQL/MariaDB connection (MariaDB Connector/C) owned by RAII, its URI, and the results it
// returns. Opening one is a static factory that throws a one-line Error classified by cause:
// rejected credentials (Auth), unreachable server or lost connection (Network), unknown database
// (NotFound), anything else (Source). The password is never part of snaplake's input: it comes
// from MYSQL_PWD or an option file ([client] group of ~/.my.cnf and the other default files, or
// of the URI's defaults-file), read by Connector/C as the mysql clients read them, or from the
// login the pipeline resolved (a Secrets Manager secret: Uri::login), held in memory only, so it
// can appear in no message.
#pragma once

#include <mysql.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/login.h"

namespace snaplake::mysql {

// ssl-mode, as the MySQL clients spell it.
enum class SslMode {
  Disabled,        // plain TCP only
  Preferred,       // TLS when the server offers it, else plain (the clients' default)
  Required,        // TLS or fail; the server's certificate is not checked
  VerifyCa,        // TLS, the certificate chain checked against ssl-ca
  VerifyIdentity,  // VerifyCa, and the certificate must name the host
};

// mysql://[user@]host[:port][/database][?option=value&…]  (also mariadb://)
// Options: ssl-mode=DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY, ssl-ca=<file>,
// defaults-file=<file> (read instead of the default option files). User, database and option
// values are percent-decoded. A password in the URI is an error (InvalidInput).
struct Uri {
  std::string scheme = "mysql";
  std::string user;  // "" = the option file's, or the login name (as the clients do)
  std::string host;
  unsigned port = 3306;
  std::string database;  // "" when the URI names none
  SslMode ssl_mode = SslMode::Preferred;
  std::string ssl_ca;
  std::string defaults_file;
  // Asked before each connection, when set: its user and password (where not empty) replace
  // the URI's user and the option files' or MYSQL_PWD's password (common/login.h). Never part
  // of text(); parse_uri leaves it unset.
  LoginSource login;

  // The URI as written for messages, e.g. "mysql://app@db:3306/shop".
  std::string text() const;
};
// Throws Error(InvalidInput) for a malformed URI, an unknown option or a password in it.
Uri parse_uri(std::string_view uri);

// A small result read whole (mysql_store_result): catalog queries, positions, settings.
class Result {
 public:
  size_t rows() const { return rows_.size(); }
  bool is_null(size_t row, std::string_view name) const { return !cell(row, name).has_value(); }
  // The column's text; throws Error(Internal) for a NULL or a missing column.
  const std::string& text(size_t row, std::string_view name) const;
  std::optional<std::string> optional_text(size_t row, std::string_view name) const {
    return cell(row, name);
  }
  int64_t integer(size_t row, std::string_view name) const;
  std::optional<int64_t> optional_integer(size_t row, std::string_view name) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  friend class Connection;
  const std::optional<std::string>& cell(size_t row, std::string_view name) const;
  std::vector<std::string> names_;
  std::vector<std::vector<std::optional<std::string>>> rows_;
};

// One row of a streamed result, valid until the next call: fields[i] is NULL for SQL NULL,
// else points at lengths[i] bytes.
struct StreamRow {
  char** fields = nullptr;
  unsigned long* lengths = nullptr;
};

class Connection {
 public:
  // Connects to the URI's server, to `database` instead of the URI's when it is not empty, and
  // configures the session (configure_session below).
  static Connection open(const Uri& uri, const std::string& database = {});

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&& other) noexcept;
  // Closes the connection. A stream still open is abandoned, not read to its end (which
  // mysql_free_result would do, row by row, for the rest of a table).
  ~Connection();

  // Runs one statement, discarding any result; throws Error naming `what` and the server's
  // message, Network when the connection is lost, Source otherwise.
  void exec(std::string_view sql, std::string_view what);
  // Runs one statement and reads its result whole.
  Result query(std::string_view sql, std::string_view what);

  // Streams a result row by row (mysql_use_result: the server sends rows as they are read, and
  // the client holds one at a time, whatever the result's size). next_row() returns false at
  // the end, and throws if the stream broke. The connection runs nothing else until the end;
  // a stream left before its end leaves the connection good only for closing.
  void start_stream(std::string_view sql, std::string_view what);
  bool next_row(StreamRow& row);
  unsigned stream_fields() const;

  // `name` quoted with backticks, backticks doubled: `a``b`. Any byte is allowed in it.
  static std::string quote_identifier(std::string_view name);
  // A string literal for this connection's character set and sql_mode.
  std::string quote_literal(std::string_view text) const;

  bool is_mariadb() const { return mariadb_; }
  unsigned long server_version() const { return mysql_get_server_version(conn_.get()); }
  const std::string& where() const { return where_; }
  MYSQL* raw() const { return conn_.get(); }
  // The server's id of this session (CONNECTION_ID()), e.g. to kill it in a test.
  unsigned long thread_id() const { return mysql_thread_id(conn_.get()); }

 private:
  Connection(MYSQL* conn, std::string where)
      : conn_(conn, &mysql_close), where_(std::move(where)) {}
  [[noreturn]] void fail_query(std::string_view what) const;
  void abandon_stream() noexcept;

  std::unique_ptr<MYSQL, decltype(&mysql_close)> conn_;
  std::string where_;  // "mysql://app@db:3306/shop", for messages
  bool mariadb_ = false;
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> stream_{nullptr, &mysql_free_result};
  std::string stream_what_;
};

// How a failure is classified, by the client's or server's error number (pure, tested).
enum class Failure { Network, Auth, NotFound, Other };
Failure classify_failure(unsigned error_number);

// Session settings every connection gets: utf8mb4 results, UTC (so TIMESTAMP values are read in
// UTC whatever the server's time zone), an empty sql_mode (no PAD_CHAR_TO_FULL_LENGTH,
// ANSI_QUOTES, NO_BACKSLASH_ESCAPES or ORACLE, which change what SELECT returns or how SQL is
// quoted; zero dates are read as they are stored), and no statement or network timeouts that
// a long export at a slow consumer's pace would hit.
void configure_session(Connection& conn);

}  // namespace snaplake::mysql
