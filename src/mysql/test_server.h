// For tests that need the MariaDB of the test run: its admin URI, or skip (scripts/test starts
// it and sets SNAPLAKE_TEST_MYSQL_URI and SNAPLAKE_TEST_MYSQL_DIR).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#define SNAPLAKE_MYSQL_URI_OR_SKIP(var)                                           \
  const char* var##_env = std::getenv("SNAPLAKE_TEST_MYSQL_URI");                 \
  if (var##_env == nullptr) GTEST_SKIP() << "SNAPLAKE_TEST_MYSQL_URI is not set"; \
  const std::string var = var##_env
