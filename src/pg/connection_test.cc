#include "pg/connection.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "pg/test_server.h"

namespace snaplake::pg {
namespace {

TEST(ConnectFailure, ClassifiesLibpqMessages) {
  EXPECT_EQ(classify_connect_failure(
                "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n\tIs "
                "the server running on that host and accepting TCP/IP connections?\n"),
            ConnectFailure::Network);
  EXPECT_EQ(classify_connect_failure("connection to server at \"127.0.0.1\", port 5 failed: "
                                     "FATAL:  password authentication failed for user \"x\"\n"),
            ConnectFailure::Auth);
  EXPECT_EQ(classify_connect_failure("connection to server at \"h\", port 5 failed: fe_sendauth: "
                                     "no password supplied\n"),
            ConnectFailure::Auth);
  EXPECT_EQ(classify_connect_failure("connection to server at \"h\", port 5 failed: FATAL:  "
                                     "database \"nope\" does not exist\n"),
            ConnectFailure::NotFound);
}

TEST(ConnectFailure, SummarizesToTheCause) {
  EXPECT_EQ(summarize_libpq_message(
                "connection to server at \"::1\", port 1 failed: Connection refused\n\tIs the "
                "server running?\nconnection to server at \"127.0.0.1\", port 1 failed: "
                "Connection refused\n\tIs the server running on that host?\n"),
            "Connection refused");
  EXPECT_EQ(summarize_libpq_message("connection to server at \"h\", port 5 failed: FATAL:  "
                                    "database \"nope\" does not exist\n"),
            "database \"nope\" does not exist");
  EXPECT_EQ(summarize_libpq_message("FATAL:  terminating connection due to administrator command\n"
                                    "server closed the connection unexpectedly\n\tThis probably "
                                    "means the server terminated abnormally\n"),
            "terminating connection due to administrator command");
}

TEST(ConnInfo, ParsesTheDatabaseOfAUri) {
  EXPECT_EQ(parse_conninfo("postgresql://u:secret@h:5/db1").database, "db1");
  EXPECT_EQ(parse_conninfo("postgresql://u@h:5").database, "");
  EXPECT_EQ(parse_conninfo("postgresql://u@h:5/").database, "");
  try {
    parse_conninfo("postgresql://u:secret@h:5/db?nonsense=1");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

TEST(Connection, QuotesIdentifiersAndLiterals) {
  EXPECT_EQ(Connection::quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(Connection::quote_literal("it's"), "'it''s'");
}

TEST(Connection, ConnectsAndReportsErrorsByKind) {
  SNAPLAKE_PG_URI_OR_SKIP(uri);
  Connection conn = Connection::open(uri);
  EXPECT_EQ(conn.exec("SELECT 41 + 1 AS x").integer(0, "x"), 42);
  try {
    Connection::open(uri, "snaplake_no_such_database");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  try {
    Connection::open("postgresql://postgres:topsecret@127.0.0.1:1/postgres");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Network) << e.what();
    EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
  try {
    conn.exec("SELECT * FROM snaplake_no_such_table", "read a table");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Source) << e.what();
  }
}

}  // namespace
}  // namespace snaplake::pg
