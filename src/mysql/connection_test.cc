#include "mysql/connection.h"

#include <errmsg.h>
#include <gtest/gtest.h>
#include <mysqld_error.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "mysql/test_server.h"

namespace snaplake::mysql {
namespace {

TEST(MysqlUri, ParsesTheParts) {
  Uri u = parse_uri("mysql://app@db.example:3307/shop");
  EXPECT_EQ(u.scheme, "mysql");
  EXPECT_EQ(u.user, "app");
  EXPECT_EQ(u.host, "db.example");
  EXPECT_EQ(u.port, 3307u);
  EXPECT_EQ(u.database, "shop");
  EXPECT_EQ(u.ssl_mode, SslMode::Preferred);
  EXPECT_EQ(u.text(), "mysql://app@db.example:3307/shop");

  Uri m = parse_uri("mariadb://h");
  EXPECT_EQ(m.scheme, "mariadb");
  EXPECT_EQ(m.user, "");
  EXPECT_EQ(m.port, 3306u);
  EXPECT_EQ(m.database, "");

  Uri v6 = parse_uri("mysql://u@[::1]:4000/");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 4000u);
  EXPECT_EQ(v6.text(), "mysql://u@[::1]:4000/");

  Uri escaped = parse_uri("mysql://us%40er@h/my%2Fdb%60x");
  EXPECT_EQ(escaped.user, "us@er");
  EXPECT_EQ(escaped.database, "my/db`x");
}

TEST(MysqlUri, ParsesTlsAndOptionFileOptions) {
  Uri u = parse_uri(
      "mysql://u@h/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=%2Fetc%2Fca.pem&defaults-file=/x/my.cnf");
  EXPECT_EQ(u.ssl_mode, SslMode::VerifyIdentity);
  EXPECT_EQ(u.ssl_ca, "/etc/ca.pem");
  EXPECT_EQ(u.defaults_file, "/x/my.cnf");
  EXPECT_EQ(parse_uri("mysql://u@h?ssl-mode=disabled").ssl_mode, SslMode::Disabled);
  EXPECT_EQ(parse_uri("mysql://u@h?ssl_mode=required").ssl_mode, SslMode::Required);
  EXPECT_EQ(parse_uri("mysql://u@h?ssl-mode=VERIFY_CA&ssl-ca=a").ssl_mode, SslMode::VerifyCa);
  EXPECT_EQ(parse_uri("mysql://u@h?ssl-mode=PREFERRED").ssl_mode, SslMode::Preferred);
}

void expect_invalid(const std::string& uri, const std::string& says) {
  try {
    parse_uri(uri);
    ADD_FAILURE() << "expected an error for " << uri;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
    EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}

TEST(MysqlUri, RejectsPasswordsAndNonsense) {
  expect_invalid("mysql://app:hunter2@h/db", "password in the URI is not accepted");
  expect_invalid("mysql://app@h/db?password=hunter2", "password in the URI is not accepted");
  expect_invalid("postgresql://app@h/db", "expected mysql://");
  expect_invalid("mysql://app@h:99999/db", "bad port");
  expect_invalid("mysql://app@/db", "no host");
  expect_invalid("mysql://app@h/db/t", "more than a database");
  expect_invalid("mysql://app@h/db?ssl-mode=sometimes", "unknown ssl-mode");
  expect_invalid("mysql://app@h/db?ssl-mode=VERIFY_CA", "needs ssl-ca");
  expect_invalid("mysql://app@h/db?compress=1", "unknown option 'compress'");
  expect_invalid("mysql://app@h/db%2", "truncated %-escape");
}

TEST(MysqlFailure, ClassifiesErrorNumbers) {
  EXPECT_EQ(classify_failure(ER_ACCESS_DENIED_ERROR), Failure::Auth);
  EXPECT_EQ(classify_failure(ER_DBACCESS_DENIED_ERROR), Failure::Auth);
  EXPECT_EQ(classify_failure(ER_BAD_DB_ERROR), Failure::NotFound);
  EXPECT_EQ(classify_failure(CR_CONN_HOST_ERROR), Failure::Network);
  EXPECT_EQ(classify_failure(CR_SERVER_LOST), Failure::Network);
  EXPECT_EQ(classify_failure(ER_CONNECTION_KILLED), Failure::Network);
  EXPECT_EQ(classify_failure(ER_NO_SUCH_TABLE), Failure::Other);
  EXPECT_EQ(classify_failure(ER_TABLEACCESS_DENIED_ERROR), Failure::Other);
}

TEST(MysqlConnection, QuotesIdentifiers) {
  EXPECT_EQ(Connection::quote_identifier("a`b"), "`a``b`");
  EXPECT_EQ(Connection::quote_identifier("x.y/z"), "`x.y/z`");
}

using testing::ScopedEnv;

std::string server_password() {
  const char* dir = std::getenv("SNAPLAKE_TEST_MYSQL_DIR");
  std::ifstream in(std::string(dir ? dir : ".") + "/password");
  std::string password;
  std::getline(in, password);
  return password;
}

Uri as_user(const std::string& admin_uri, const std::string& user) {
  return testing::uri_as(admin_uri, user);
}

TEST(MysqlConnection, ConnectsInAUtcSessionWithAnEmptySqlMode) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  Connection conn = Connection::open(parse_uri(uri));
  EXPECT_TRUE(conn.is_mariadb());
  Result r = conn.query(
      "SELECT 41 + 1 AS x, @@session.time_zone AS tz, @@session.sql_mode AS mode, "
      "@@character_set_results AS cs, NULL AS n",
      "check the session");
  EXPECT_EQ(r.integer(0, "x"), 42);
  EXPECT_EQ(r.text(0, "tz"), "+00:00");
  EXPECT_EQ(r.text(0, "mode"), "");
  EXPECT_EQ(r.text(0, "cs"), "utf8mb4");
  EXPECT_TRUE(r.is_null(0, "n"));
  EXPECT_EQ(conn.quote_literal("it's \\ \"q\""), "'it\\'s \\\\ \\\"q\\\"'");
}

TEST(MysqlConnection, ReadsThePasswordFromMysqlPwdOrAnOptionFile) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  const std::string password = server_password();
  ASSERT_FALSE(password.empty());
  Uri u = as_user(uri, "snaplake");
  auto user_of = [](Connection& c) {
    return c.query("SELECT CURRENT_USER() AS u", "who am I").text(0, "u");
  };
  {
    ScopedEnv pwd("MYSQL_PWD", password);
    Connection c = Connection::open(u);
    EXPECT_EQ(user_of(c), "snaplake@%");
  }
  auto dir =
      std::filesystem::temp_directory_path() / ("snaplake-mycnf-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "extra.cnf") << "[client]\npassword=" << password << "\n";
    Uri with_file = u;
    with_file.defaults_file = (dir / "extra.cnf").string();
    Connection c = Connection::open(with_file);
    EXPECT_EQ(user_of(c), "snaplake@%");
  }
  {
    std::ofstream(dir / ".my.cnf") << "[client]\npassword=\"" << password << "\"\n";
    ScopedEnv home("HOME", dir.string());
    Connection c = Connection::open(u);
    EXPECT_EQ(user_of(c), "snaplake@%");
  }
  std::filesystem::remove_all(dir);
}

TEST(MysqlConnection, ALoginReplacesTheUrisUserAndTheOptionFilesPassword) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  const std::string password = server_password();
  // A wrong MYSQL_PWD, which the login's password must win over; and the URI's user is root.
  ScopedEnv pwd("MYSQL_PWD", "not-the-password-x9");
  Uri u = parse_uri(uri);
  int asked = 0;
  u.login = [&] {
    ++asked;
    return Login{"snaplake", password};
  };
  Connection c = Connection::open(u);
  EXPECT_EQ(c.query("SELECT CURRENT_USER() AS u", "who am I").text(0, "u"), "snaplake@%");
  EXPECT_NE(c.where().find("snaplake@"), std::string::npos) << c.where();
  EXPECT_EQ(c.where().find(password), std::string::npos) << c.where();
  Connection again = Connection::open(u);
  EXPECT_EQ(asked, 2) << "asked before each connection";
  // A login with a wrong password is refused like any other, and shown nowhere.
  u.login = [] { return Login{"snaplake", "wrong-login-pw-3"}; };
  try {
    Connection::open(u);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Auth) << e.what();
    EXPECT_EQ(std::string(e.what()).find("wrong-login-pw-3"), std::string::npos) << e.what();
  }
}

TEST(MysqlConnection, WrongPasswordIsAuthAndNeverShown) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  ScopedEnv pwd("MYSQL_PWD", "not-the-password-x9");
  try {
    Connection::open(as_user(uri, "snaplake"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Auth) << e.what();
    EXPECT_NE(std::string(e.what()).find("Access denied"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("not-the-password-x9"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(server_password()), std::string::npos) << e.what();
  }
}

TEST(MysqlConnection, UnreachableIsNetworkAndMissingDatabaseIsNotFound) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  try {
    Connection::open(parse_uri("mysql://root@127.0.0.1:1/x"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Network) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
  try {
    Connection::open(parse_uri(uri), "snaplake_no_such_database");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound) << e.what();
    EXPECT_NE(std::string(e.what()).find("snaplake_no_such_database"), std::string::npos)
        << e.what();
  }
  Connection conn = Connection::open(parse_uri(uri));
  try {
    conn.query("SELECT * FROM mysql.snaplake_no_such_table", "read a table");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Source) << e.what();
  }
}

TEST(MysqlConnection, TlsModesAgainstAServerWithoutTls) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  // The harness's server has no certificate: PREFERRED goes on in plain TCP, REQUIRED refuses.
  Connection preferred = Connection::open(parse_uri(uri + "?ssl-mode=PREFERRED"));
  Result r = preferred.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'", "check TLS");
  ASSERT_EQ(r.rows(), 1u);
  EXPECT_EQ(r.text(0, "Value"), "");
  try {
    Connection::open(parse_uri(uri + "?ssl-mode=REQUIRED"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Source) << e.what();
  }
}

TEST(MysqlConnection, StreamsRowsAndReportsAKilledConnectionAsNetwork) {
  SNAPLAKE_MYSQL_URI_OR_SKIP(uri);
  Connection conn = Connection::open(parse_uri(uri), "mysql");  // any database has seq_1_to_N
  conn.start_stream("SELECT seq, IF(seq % 3 = 0, NULL, REPEAT('x', seq)) FROM seq_1_to_1000",
                    "stream rows");
  EXPECT_EQ(conn.stream_fields(), 2u);
  StreamRow row;
  uint64_t rows = 0, nulls = 0, bytes = 0;
  while (conn.next_row(row)) {
    ++rows;
    if (row.fields[1] == nullptr)
      ++nulls;
    else
      bytes += row.lengths[1];
  }
  EXPECT_EQ(rows, 1000u);
  EXPECT_EQ(nulls, 333u);
  EXPECT_EQ(bytes, 500500u - 3u * (333u * 334u / 2u));

  // A stream left in the middle is abandoned, not read to its end: closing the connection
  // returns at once (this table would take minutes to read).
  {
    Connection abandoned = Connection::open(parse_uri(uri), "mysql");
    abandoned.start_stream("SELECT seq, REPEAT('z', 1000) FROM seq_1_to_100000000", "read a lot");
    ASSERT_TRUE(abandoned.next_row(row));
  }

  Connection victim = Connection::open(parse_uri(uri), "mysql");
  victim.start_stream("SELECT seq, REPEAT('y', 1000) FROM seq_1_to_100000000", "read a big table");
  ASSERT_TRUE(victim.next_row(row));
  conn.exec("KILL " + std::to_string(victim.thread_id()), "kill the reader");
  try {
    while (victim.next_row(row)) {
    }
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Network) << e.what();
    EXPECT_NE(std::string(e.what()).find("read a big table"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace snaplake::mysql
