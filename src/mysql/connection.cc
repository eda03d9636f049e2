#include "mysql/connection.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <charconv>

#include "common/error.h"
#include "common/log.h"

namespace snaplake::mysql {
namespace {

[[noreturn]] void invalid_uri(std::string_view uri, std::string_view why) {
  fail(ErrorKind::InvalidInput, "invalid MySQL URI '{}': {}", log::redact(uri), why);
}

std::string percent_decode(std::string_view uri, std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int value = 0;
    if (i + 2 >= s.size()) invalid_uri(uri, "truncated %-escape");
    auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16);
    if (ec != std::errc() || p != s.data() + i + 3) invalid_uri(uri, "bad %-escape");
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

SslMode parse_ssl_mode(std::string_view uri, std::string_view v) {
  std::string upper;
  for (char c : v)
    upper += static_cast<char>(c == '-' ? '_' : std::toupper(static_cast<unsigned char>(c)));
  if (upper == "DISABLED") return SslMode::Disabled;
  if (upper == "PREFERRED") return SslMode::Preferred;
  if (upper == "REQUIRED") return SslMode::Required;
  if (upper == "VERIFY_CA") return SslMode::VerifyCa;
  if (upper == "VERIFY_IDENTITY") return SslMode::VerifyIdentity;
  invalid_uri(uri, fmt::format("unknown ssl-mode '{}' (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, "
                               "VERIFY_IDENTITY)",
                               v));
}

const char* ssl_mode_name(SslMode m) {
  switch (m) {
    case SslMode::Disabled:
      return "DISABLED";
    case SslMode::Preferred:
      return "PREFERRED";
    case SslMode::Required:
      return "REQUIRED";
    case SslMode::VerifyCa:
      return "VERIFY_CA";
    case SslMode::VerifyIdentity:
      return "VERIFY_IDENTITY";
  }
  return "PREFERRED";
}

}  // namespace

Uri parse_uri(std::string_view uri) {
  Uri u;
  std::string_view rest = uri;
  if (rest.starts_with("mysql://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("mariadb://")) {
    u.scheme = "mariadb";
    rest.remove_prefix(10);
  } else {
    invalid_uri(uri, "expected mysql:// or mariadb://");
  }
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    if (userinfo.find(':') != std::string_view::npos) {
      invalid_uri(uri,
                  "a password in the URI is not accepted: set MYSQL_PWD or put it in an option "
                  "file ([client] password=… in ~/.my.cnf, or the URI's defaults-file)");
    }
    u.user = percent_decode(uri, userinfo);
    rest = rest.substr(at + 1);
  }
  std::string_view port;
  if (rest.starts_with('[')) {  // [IPv6]
    size_t close = rest.find(']');
    if (close == std::string_view::npos) invalid_uri(uri, "unclosed '[' in the host");
    u.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') invalid_uri(uri, "unexpected text after the host");
      port = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    u.host = std::string(rest.substr(0, colon));
    port = rest.substr(colon + 1);
  } else {
    u.host = std::string(rest);
  }
  if (u.host.empty()) invalid_uri(uri, "no host");
  if (!port.empty()) {
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), u.port);
    if (ec != std::errc() || p != port.data() + port.size() || u.port == 0 || u.port > 65535) {
      invalid_uri(uri, fmt::format("bad port '{}'", port));
    }
  }
  if (path.find('/') != std::string_view::npos) invalid_uri(uri, "a path of more than a database");
  u.database = percent_decode(uri, path);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos)
      invalid_uri(uri, fmt::format("option '{}' has no value", pair));
    std::string key = percent_decode(uri, pair.substr(0, eq));
    std::string value = percent_decode(uri, pair.substr(eq + 1));
    for (char& c : key)
      c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key == "ssl-mode" || key == "sslmode") {
      u.ssl_mode = parse_ssl_mode(uri, value);
    } else if (key == "ssl-ca") {
      u.ssl_ca = value;
    } else if (key == "defaults-file") {
      u.defaults_file = value;
    } else if (key == "password") {
      invalid_uri(uri,
                  "a password in the URI is not accepted: set MYSQL_PWD or use an option file");
    } else {
      invalid_uri(uri, fmt::format("unknown option '{}' (ssl-mode, ssl-ca, defaults-file)", key));
    }
  }
  if ((u.ssl_mode == SslMode::VerifyCa || u.ssl_mode == SslMode::VerifyIdentity) &&
      u.ssl_ca.empty()) {
    invalid_uri(uri, fmt::format("ssl-mode={} needs ssl-ca=<file>", ssl_mode_name(u.ssl_mode)));
  }
  return u;
}

std::string Uri::text() const {
  std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string out = scheme + "://" + (user.empty() ? "" : user + "@") + host_part + ":" +
                    std::to_string(port) + "/" + database;
  return out;
}

Failure classify_failure(unsigned e) {
  switch (e) {
    case ER_ACCESS_DENIED_ERROR:              // 1045: wrong password or unknown user
    case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:  // 1698
    case ER_DBACCESS_DENIED_ERROR:            // 1044: no privilege on the database
    case ER_NOT_SUPPORTED_AUTH_MODE:          // 1251
    case ER_MUST_CHANGE_PASSWORD_LOGIN:       // 1862: expired password
    case CR_AUTH_PLUGIN_CANNOT_LOAD:          // 2059
      return Failure::Auth;
    case ER_BAD_DB_ERROR:  // 1049: unknown database
      return Failure::NotFound;
    case CR_CONNECTION_ERROR:       // 2002
    case CR_CONN_HOST_ERROR:        // 2003
    case CR_UNKNOWN_HOST:           // 2005
    case CR_SERVER_GONE_ERROR:      // 2006
    case CR_SERVER_LOST:            // 2013
    case CR_SERVER_LOST_EXTENDED:   // 2055
    case ER_CON_COUNT_ERROR:        // 1040: too many connections
    case ER_SERVER_SHUTDOWN:        // 1053
    case ER_NET_READ_ERROR:         // 1158
    case ER_NET_READ_INTERRUPTED:   // 1159
    case ER_NET_ERROR_ON_WRITE:     // 1160
    case ER_NET_WRITE_INTERRUPTED:  // 1161
    case ER_CONNECTION_KILLED:      // 1927 (MariaDB): the session was killed
    case 4031:                      // MySQL 8: disconnected by the server for inactivity
      return Failure::Network;
    default:
      return Failure::Other;
  }
}

namespace {

ErrorKind kind_of(Failure f) {
  switch (f) {
    case Failure::Auth:
      return ErrorKind::Auth;
    case Failure::NotFound:
      return ErrorKind::NotFound;
    case Failure::Network:
      return ErrorKind::Network;
    case Failure::Other:
      return ErrorKind::Source;
  }
  return ErrorKind::Source;
}

void set_option(MYSQL* m, mysql_option option, const void* value) {
  if (mysql_optionsv(m, option, value) != 0) {
    fail(ErrorKind::Internal, "cannot set a MySQL client option ({})", static_cast<int>(option));
  }
}

}  // namespace

Connection Connection::open(const Uri& uri, const std::string& database) {
  MYSQL* raw = mysql_init(nullptr);
  if (raw == nullptr) fail(ErrorKind::Internal, "cannot allocate a MySQL connection");
  const std::string& db = database.empty() ? uri.database : database;
  const Login login = uri.login ? uri.login() : Login{};
  const std::string& user = login.user.empty() ? uri.user : login.user;
  Uri shown = uri;
  shown.database = db;
  shown.user = user;
  Connection conn(raw, shown.text());

  unsigned int connect_timeout = 10;
  // A read may wait on a lock (FLUSH TABLES WITH READ LOCK behind a long statement) but not
  // forever: a half-open connection must end in an error.
  unsigned int read_timeout = 3600, write_timeout = 3600;
  set_option(raw, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  set_option(raw, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  set_option(raw, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  set_option(raw, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(raw, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "snaplake");
  // Option files as the clients read them: the [client] group of the default files, or only
  // the named defaults-file. The password comes from there, or from MYSQL_PWD, which
  // Connector/C reads when no password is passed (an option file's password comes first).
  if (!uri.defaults_file.empty())
    set_option(raw, MYSQL_READ_DEFAULT_FILE, uri.defaults_file.c_str());
  set_option(raw, MYSQL_READ_DEFAULT_GROUP, "client");

  my_bool yes = 1, no = 0;
  // With a CA file Connector/C verifies the server's certificate chain (as the clients do for
  // REQUIRED with ssl-ca); the host name only with VERIFY_SERVER_CERT.
  if (uri.ssl_mode != SslMode::Disabled && !uri.ssl_ca.empty()) {
    set_option(raw, MYSQL_OPT_SSL_CA, uri.ssl_ca.c_str());
  }
  // Connector/C 3.3 asks for TLS once a TLS option is set (mysql_ssl_set), and goes on without
  // it when the server has none unless MYSQL_OPT_SSL_ENFORCE is set.
  if (uri.ssl_mode != SslMode::Disabled) {
    mysql_ssl_set(raw, nullptr, nullptr, nullptr, nullptr, nullptr);
  }
  switch (uri.ssl_mode) {
    case SslMode::Disabled:
      set_option(raw, MYSQL_OPT_SSL_ENFORCE, &no);
      set_option(raw, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
      break;
    case SslMode::Preferred:
      set_option(raw, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
      break;
    case SslMode::Required:
      set_option(raw, MYSQL_OPT_SSL_ENFORCE, &yes);
      set_option(raw, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
      break;
    case SslMode::VerifyCa:
      set_option(raw, MYSQL_OPT_SSL_ENFORCE, &yes);
      set_option(raw, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
      break;
    case SslMode::VerifyIdentity:
      set_option(raw, MYSQL_OPT_SSL_ENFORCE, &yes);
      set_option(raw, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
      break;
  }

  if (mysql_real_connect(raw, uri.host.c_str(), user.empty() ? nullptr : user.c_str(),
                         login.password.empty() ? nullptr : login.password.c_str(),
                         db.empty() ? nullptr : db.c_str(), uri.port, nullptr,
                         CLIENT_MULTI_RESULTS) == nullptr) {
    unsigned e = mysql_errno(raw);
    std::string cause = mysql_error(raw);
    Failure f = classify_failure(e);
    if (e == CR_SSL_CONNECTION_ERROR) f = Failure::Other;  // TLS required but refused
    fail(kind_of(f), "cannot connect to '{}': {}", conn.where_, cause);
  }
  // Connector/C 3.3 refuses a server without TLS by itself only when it verifies the server's
  // certificate; for REQUIRED the check is here (after the handshake, whose password exchange is
  // a challenge-response, never the password itself, for mysql_native_password).
  if (uri.ssl_mode != SslMode::Disabled && uri.ssl_mode != SslMode::Preferred &&
      mysql_get_ssl_cipher(raw) == nullptr) {
    fail(ErrorKind::Source, "cannot connect to '{}': ssl-mode={} but the server does not offer TLS",
         conn.where_, ssl_mode_name(uri.ssl_mode));
  }
  std::string_view info = mysql_get_server_info(raw);
  conn.mariadb_ = info.find("MariaDB") != std::string_view::npos;
  configure_session(conn);
  return conn;
}

void Connection::abandon_stream() noexcept {
  // mysql_free_result of an unbuffered result skips the rows left by reading them; without its
  // handle it only frees. The connection's protocol state is then broken: only closing is left.
  if (stream_ && !stream_->eof) stream_->handle = nullptr;
  stream_.reset();
}

Connection::~Connection() {
  abandon_stream();
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    abandon_stream();
    conn_ = std::move(other.conn_);
    where_ = std::move(other.where_);
    mariadb_ = other.mariadb_;
    stream_ = std::move(other.stream_);
    stream_what_ = std::move(other.stream_what_);
  }
  return *this;
}

void Connection::fail_query(std::string_view what) const {
  unsigned e = mysql_errno(conn_.get());
  Failure f = classify_failure(e);
  // A lost connection is worth a retry; an SQL error (privilege, syntax, lock wait) is not.
  ErrorKind kind = f == Failure::Network ? ErrorKind::Network : ErrorKind::Source;
  fail(kind, "cannot {} on '{}': {} (error {})", what.empty() ? "run a query" : what, where_,
       mysql_error(conn_.get()), e);
}

void Connection::exec(std::string_view sql, std::string_view what) {
  if (stream_) fail(ErrorKind::Internal, "{}: a result is still being streamed", what);
  if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) fail_query(what);
  // Discard whatever the statement returned (SHOW …, a SELECT run for its side effect).
  do {
    MYSQL_RES* r = mysql_store_result(conn_.get());
    if (r != nullptr)
      mysql_free_result(r);
    else if (mysql_field_count(conn_.get()) != 0)
      fail_query(what);
  } while (mysql_next_result(conn_.get()) == 0);
  if (mysql_errno(conn_.get()) != 0) fail_query(what);
}

Result Connection::query(std::string_view sql, std::string_view what) {
  if (stream_) fail(ErrorKind::Internal, "{}: a result is still being streamed", what);
  if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) fail_query(what);
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> r(mysql_store_result(conn_.get()),
                                                             &mysql_free_result);
  if (!r) {
    if (mysql_field_count(conn_.get()) != 0) fail_query(what);
    fail(ErrorKind::Internal, "{}: the statement returned no result", what);
  }
  Result out;
  unsigned n = mysql_num_fields(r.get());
  MYSQL_FIELD* fields = mysql_fetch_fields(r.get());
  for (unsigned i = 0; i < n; ++i) out.names_.emplace_back(fields[i].name, fields[i].name_length);
  while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
    unsigned long* lengths = mysql_fetch_lengths(r.get());
    auto& cells = out.rows_.emplace_back();
    for (unsigned i = 0; i < n; ++i) {
      if (row[i] == nullptr)
        cells.emplace_back();
      else
        cells.emplace_back(std::string(row[i], lengths[i]));
    }
  }
  if (mysql_errno(conn_.get()) != 0) fail_query(what);
  // Drain any further results (CLIENT_MULTI_RESULTS, e.g. after a CALL).
  while (mysql_next_result(conn_.get()) == 0) {
    MYSQL_RES* more = mysql_store_result(conn_.get());
    if (more != nullptr) mysql_free_result(more);
  }
  return out;
}

void Connection::start_stream(std::string_view sql, std::string_view what) {
  if (stream_) fail(ErrorKind::Internal, "{}: a result is still being streamed", what);
  stream_what_ = std::string(what);
  if (mysql_real_query(conn_.get(), sql.data(), sql.size()) != 0) fail_query(what);
  stream_.reset(mysql_use_result(conn_.get()));
  if (!stream_) {
    if (mysql_field_count(conn_.get()) != 0 || mysql_errno(conn_.get()) != 0) fail_query(what);
    fail(ErrorKind::Internal, "{}: the statement returned no rows to stream", what);
  }
}

unsigned Connection::stream_fields() const {
  return stream_ ? mysql_num_fields(stream_.get()) : 0;
}

bool Connection::next_row(StreamRow& row) {
  if (!stream_) return false;
  MYSQL_ROW r = mysql_fetch_row(stream_.get());
  if (r != nullptr) {
    row.fields = r;
    row.lengths = mysql_fetch_lengths(stream_.get());
    return true;
  }
  // NULL is the end or an error (Connector/C docs, mysql_fetch_row: "NULL if there are no more
  // rows or an error occurred"; with mysql_use_result, mysql_errno tells which).
  bool failed = mysql_errno(conn_.get()) != 0;
  if (failed) {
    std::string what = stream_what_;
    unsigned e = mysql_errno(conn_.get());
    std::string cause = mysql_error(conn_.get());
    stream_.reset();
    ErrorKind kind =
        classify_failure(e) == Failure::Network ? ErrorKind::Network : ErrorKind::Source;
    fail(kind, "cannot {} on '{}': {} (error {})", what, where_, cause, e);
  }
  stream_.reset();
  while (mysql_next_result(conn_.get()) == 0) {
    MYSQL_RES* more = mysql_store_result(conn_.get());
    if (more != nullptr) mysql_free_result(more);
  }
  return false;
}

std::string Connection::quote_identifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + '`';
}

std::string Connection::quote_literal(std::string_view text) const {
  std::string out(text.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long n = mysql_real_escape_string(conn_.get(), out.data() + 1, text.data(), text.size());
  out.resize(n + 1);
  return out + '\'';
}

const std::optional<std::string>& Result::cell(size_t row, std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return rows_.at(row).at(i);
  }
  fail(ErrorKind::Internal, "query result has no column '{}'", name);
}

const std::string& Result::text(size_t row, std::string_view name) const {
  const auto& c = cell(row, name);
  if (!c) fail(ErrorKind::Internal, "column '{}' is NULL", name);
  return *c;
}

std::optional<int64_t> Result::optional_integer(size_t row, std::string_view name) const {
  const auto& c = cell(row, name);
  if (!c) return std::nullopt;
  int64_t out = 0;
  auto [p, ec] = std::from_chars(c->data(), c->data() + c->size(), out);
  if (ec != std::errc() || p != c->data() + c->size()) {
    fail(ErrorKind::Internal, "column '{}' is not an integer: '{}'", name, *c);
  }
  return out;
}

int64_t Result::integer(size_t row, std::string_view name) const {
  auto v = optional_integer(row, name);
  if (!v) fail(ErrorKind::Internal, "column '{}' is NULL", name);
  return *v;
}

void configure_session(Connection& conn) {
  conn.exec(
      "SET NAMES utf8mb4, time_zone = '+00:00', sql_mode = '', net_read_timeout = 3600, "
      "net_write_timeout = 3600, wait_timeout = 86400",
      "configure the session");
  // Per-statement time limits have different names (MariaDB 10.1+, MySQL 5.7.8+).
  conn.exec(conn.is_mariadb() ? "SET max_statement_time = 0" : "SET max_execution_time = 0",
            "configure the session");
}

}  // namespace snaplake::mysql
