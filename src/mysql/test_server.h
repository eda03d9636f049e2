// For tests that need the MariaDB of the test run: its admin URI, or skip (scripts/test starts
// it and sets SNAPLAKE_TEST_MYSQL_URI and SNAPLAKE_TEST_MYSQL_DIR); and helpers for users and
// passwords that tests create.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "mysql/connection.h"

#define SNAPLAKE_MYSQL_URI_OR_SKIP(var)                                           \
  const char* var##_env = std::getenv("SNAPLAKE_TEST_MYSQL_URI");                 \
  if (var##_env == nullptr) GTEST_SKIP() << "SNAPLAKE_TEST_MYSQL_URI is not set"; \
  const std::string var = var##_env

namespace snaplake::mysql::testing {

// The password of the users tests create.
inline std::string user_password() {
  return "snaplake-test-pw-7";
}

// Drops and creates user `name`@'%' identified by user_password(), then runs each grant with
// "{u}" replaced by the quoted user.
inline void recreate_user(Connection& admin, const std::string& name,
                          const std::vector<std::string>& grants) {
  std::string user = "'" + name + "'@'%'";
  admin.exec("DROP USER IF EXISTS " + user, "drop a test user");
  admin.exec("CREATE USER " + user + " IDENTIFIED BY '" + user_password() + "'",
             "create a test user");
  for (std::string g : grants) {
    for (size_t at; (at = g.find("{u}")) != std::string::npos;) g.replace(at, 3, user);
    admin.exec(g, "grant to a test user");
  }
}

// The URI of the test server for another user.
inline Uri uri_as(const std::string& admin_uri, const std::string& user) {
  Uri u = parse_uri(admin_uri);
  u.user = user;
  return u;
}

// The URI of the test server for a user created by recreate_user(), with its password in an
// option file of its own (defaults-file): unlike MYSQL_PWD, it applies to this URI only.
inline Uri uri_with_password(const std::string& admin_uri, const std::string& user) {
  Uri u = uri_as(admin_uri, user);
  std::string path = (std::filesystem::temp_directory_path() /
                      ("snaplake-test-" + user + "-" + std::to_string(getpid()) + ".cnf"))
                         .string();
  std::ofstream(path) << "[client]\npassword=" << user_password() << "\n";
  u.defaults_file = path;
  return u;
}

// Sets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace snaplake::mysql::testing
