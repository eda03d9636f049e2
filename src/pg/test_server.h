// For tests that need the PostgreSQL of the test run: its URI, or skip (scripts/test sets it).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#define SNAPLAKE_PG_URI_OR_SKIP(var)                                           \
  const char* var##_env = std::getenv("SNAPLAKE_TEST_PG_URI");                 \
  if (var##_env == nullptr) GTEST_SKIP() << "SNAPLAKE_TEST_PG_URI is not set"; \
  const std::string var = var##_env
