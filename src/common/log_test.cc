#include "common/log.h"

#include <gtest/gtest.h>

namespace snaplake::log {
namespace {

TEST(Redact, HidesPasswordInUri) {
  EXPECT_EQ(redact("postgresql://admin:s3cret@db:5432/x"), "postgresql://admin:***@db:5432/x");
  EXPECT_EQ(redact("could not connect to postgresql://u:p@h/d: refused"),
            "could not connect to postgresql://u:***@h/d: refused");
}

TEST(Redact, HidesKeyValueSecrets) {
  EXPECT_EQ(redact("host=h password=hunter2 dbname=x"), "host=h password=*** dbname=x");
  EXPECT_EQ(redact("postgresql://h/d?password=abc&sslmode=require"),
            "postgresql://h/d?password=***&sslmode=require");
}

TEST(Redact, LeavesOrdinaryTextAlone) {
  EXPECT_EQ(redact("postgresql://admin@db/x"), "postgresql://admin@db/x");
  EXPECT_EQ(redact("s3://bucket/prefix"), "s3://bucket/prefix");
}

}  // namespace
}  // namespace snaplake::log
