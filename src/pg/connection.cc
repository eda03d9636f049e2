#include "pg/connection.h"

#include <charconv>

#include "common/error.h"
#include "common/log.h"

namespace snaplake::pg {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return std::string(s);
}

std::string strip_severity(std::string_view s) {
  for (std::string_view prefix : {"FATAL:  ", "ERROR:  ", "FATAL: ", "ERROR: "}) {
    if (s.starts_with(prefix)) return trim(s.substr(prefix.size()));
  }
  return trim(s);
}

}  // namespace

int Result::column(std::string_view name) const {
  int index = PQfnumber(result_.get(), std::string(name).c_str());
  if (index < 0) fail(ErrorKind::Internal, "query result has no column '{}'", name);
  return index;
}

std::string Result::text(int row, std::string_view name) const {
  return std::string(value(row, column(name)));
}

int64_t Result::integer(int row, std::string_view name) const {
  auto v = value(row, column(name));
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    fail(ErrorKind::Internal, "column '{}' is not an integer: '{}'", name, v);
  }
  return out;
}

bool Result::boolean(int row, std::string_view name) const {
  return value(row, column(name)) == "t";
}

ConnInfo parse_conninfo(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    std::string cause = error ? trim(error) : "out of memory";
    if (error) PQfreemem(error);
    fail(ErrorKind::InvalidInput, "invalid PostgreSQL URI '{}': {}", log::redact(uri), cause);
  }
  ConnInfo info;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view key = o->keyword;
    if (key == "dbname") info.database = o->val;
    if (key == "user") info.user = o->val;
    if (key == "host") info.host = o->val;
    if (key == "port") info.port = o->val;
    if (key == "sslmode") info.sslmode = o->val;
    if (key == "password" && *o->val != '\0') info.has_password = true;
  }
  PQconninfoFree(options);
  return info;
}

std::string summarize_libpq_message(std::string_view message) {
  // The server's own FATAL/ERROR line says why ("terminating connection due to administrator
  // command"); libpq's lines after it only say that the connection is gone. Without one, the
  // last line is the cause (one line per address tried).
  std::string last, severe;
  size_t start = 0;
  while (start < message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(start, end - start);
    start = end + 1;
    // Hints ("\tIs the server running on that host…") and DETAIL lines follow the cause.
    if (line.empty() || line.front() == '\t' || line.starts_with("DETAIL:") ||
        line.starts_with("HINT:")) {
      continue;
    }
    if (size_t at = line.find(" failed: "); at != std::string_view::npos) {
      line = line.substr(at + 9);
    }
    bool has_severity = line.starts_with("FATAL:") || line.starts_with("ERROR:");
    std::string cleaned = strip_severity(line);
    if (cleaned.empty()) continue;
    last = cleaned;
    if (has_severity && severe.empty()) severe = cleaned;
  }
  if (!severe.empty()) return severe;
  return last.empty() ? std::string("unknown error") : last;
}

ConnectFailure classify_connect_failure(std::string_view m) {
  auto has = [&](std::string_view s) { return m.find(s) != std::string_view::npos; };
  if (has("password authentication failed") || has("no password supplied") ||
      has("authentication failed") || has("role \"") || has("no pg_hba.conf entry")) {
    return ConnectFailure::Auth;
  }
  if (has("database \"") && has("does not exist")) return ConnectFailure::NotFound;
  if (has("Connection refused") || has("timeout expired") || has("could not translate host") ||
      has("No route to host") || has("Network is unreachable") || has("could not connect") ||
      has("server closed the connection") || has("No such file or directory") ||
      has("the database system is starting up") || has("the database system is shutting down")) {
    return ConnectFailure::Network;
  }
  return ConnectFailure::Other;
}

Connection Connection::open(const std::string& uri, const std::string& database,
                            const std::string& application_name, const Login& login) {
  // libpq reads keywords in order: the URI (expand_dbname) may set connect_timeout itself and
  // so override our default; a second dbname is taken as a plain database name (libpq docs,
  // PQconnectdbParams: "any subsequent dbname value is processed as plain database name").
  std::string uri_database = parse_conninfo(uri).database;  // also rejects a malformed URI
  std::vector<const char*> keys = {"connect_timeout", "application_name", "dbname"};
  std::vector<const char*> values = {"10", application_name.c_str(), uri.c_str()};
  if (!database.empty()) {
    keys.push_back("dbname");
    values.push_back(database.c_str());
  }
  // After the URI, so that they win ("when key words are repeated, the last processed value is
  // retained"). The password never enters a string that is logged or shown.
  if (!login.user.empty()) {
    keys.push_back("user");
    values.push_back(login.user.c_str());
  }
  if (!login.password.empty()) {
    keys.push_back("password");
    values.push_back(login.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* raw = PQconnectdbParams(keys.data(), values.data(), 1);
  if (raw == nullptr) fail(ErrorKind::Internal, "cannot allocate a PostgreSQL connection");
  Connection conn(raw, database);
  std::string where = log::redact(uri);
  if (!database.empty() && database != uri_database) {
    where += fmt::format(" (database '{}')", database);
  }
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string message = PQerrorMessage(raw);
    std::string cause = summarize_libpq_message(message);
    switch (classify_connect_failure(message)) {
      case ConnectFailure::Auth:
        fail(ErrorKind::Auth, "cannot connect to '{}': {}", where, cause);
      case ConnectFailure::NotFound:
        fail(ErrorKind::NotFound, "cannot connect to '{}': {}", where, cause);
      case ConnectFailure::Network:
        fail(ErrorKind::Network, "cannot connect to '{}': {}", where, cause);
      case ConnectFailure::Other:
        fail(ErrorKind::Source, "cannot connect to '{}': {}", where, cause);
    }
  }
  conn.database_ = PQdb(raw);
  // Made now, while no other thread uses the connection (PQgetCancel reads its state).
  conn.cancel_.reset(PQgetCancel(raw));
  return conn;
}

void Connection::request_cancel() const {
  if (!cancel_) return;
  char message[256];
  if (!PQcancel(cancel_.get(), message, sizeof message)) {
    log::warn("cannot cancel the query on database '{}': {}", database_, message);
  }
}

std::string Connection::last_error() const {
  return summarize_libpq_message(PQerrorMessage(conn_.get()));
}

namespace {
[[noreturn]] void fail_query(PGconn* conn, std::string_view what, const std::string& cause) {
  // A broken connection (server gone, backend terminated) is worth a retry; an SQL error is not.
  ErrorKind kind = PQstatus(conn) == CONNECTION_BAD ? ErrorKind::Network : ErrorKind::Source;
  fail(kind, "cannot {} in database '{}': {}", what, PQdb(conn), cause);
}
}  // namespace

Result Connection::exec(std::string_view sql, std::string_view what) {
  Result r(PQexec(conn_.get(), std::string(sql).c_str()));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fail_query(conn_.get(), what.empty() ? std::string_view("run a query") : what, last_error());
  }
  return r;
}

Result Connection::exec(std::string_view sql, std::span<const std::string> params,
                        std::string_view what) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  Result r(PQexecParams(conn_.get(), std::string(sql).c_str(), static_cast<int>(values.size()),
                        nullptr, values.data(), nullptr, nullptr, 0));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fail_query(conn_.get(), what, last_error());
  }
  return r;
}

void Connection::start_copy_out(std::string_view copy_sql, std::string_view what) {
  copy_what_ = std::string(what);
  Result r(PQexec(conn_.get(), std::string(copy_sql).c_str()));
  if (PQresultStatus(r.get()) != PGRES_COPY_OUT) fail_query(conn_.get(), what, last_error());
}

bool Connection::read_copy(std::span<const uint8_t>& data) {
  char* buffer = nullptr;
  // Synchronous read: blocks until a whole CopyData message is there (libpq docs, "Functions
  // Associated with the COPY Command": one data row per call).
  int n = PQgetCopyData(conn_.get(), &buffer, 0);
  copy_buffer_.reset(buffer);
  if (n > 0) {
    data = {reinterpret_cast<const uint8_t*>(buffer), static_cast<size_t>(n)};
    return true;
  }
  if (n == -1) {
    // End of the COPY: its final result says whether it succeeded.
    bool ok = true;
    std::string cause;
    while (PGresult* raw = PQgetResult(conn_.get())) {
      Result r(raw);
      if (PQresultStatus(raw) != PGRES_COMMAND_OK) {
        ok = false;
        cause = summarize_libpq_message(PQresultErrorMessage(raw));
      }
    }
    if (!ok) fail_query(conn_.get(), copy_what_, cause);
    return false;
  }
  // -2: the COPY broke. When the server said why before closing (a FATAL ErrorResponse, e.g.
  // "terminating connection due to administrator command"), it is in a pending result or in
  // the connection's message; prefer it over libpq's "server closed the connection".
  std::string cause = summarize_libpq_message(PQerrorMessage(conn_.get()));
  while (PGresult* raw = PQgetResult(conn_.get())) {
    Result r(raw);
    std::string_view message = PQresultErrorMessage(raw);
    if (!message.empty()) cause = summarize_libpq_message(message);
  }
  fail_query(conn_.get(), copy_what_, cause);
}

std::string Connection::quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string Connection::quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + '\'';
}

}  // namespace snaplake::pg
