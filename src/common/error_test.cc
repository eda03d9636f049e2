#include "common/error.h"

#include <gtest/gtest.h>

namespace snaplake {
namespace {

TEST(Error, CarriesKindAndFormattedMessage) {
  try {
    fail(ErrorKind::NotFound, "table '{}' not found", "public.t");
    FAIL() << "fail() returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_STREQ(e.what(), "table 'public.t' not found");
    EXPECT_FALSE(e.retryable());
  }
}

TEST(Error, ErrnoMessageNamesTheCause) {
  try {
    fail_errno(ENOSPC, "cannot write '/x'");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    EXPECT_EQ(std::string(e.what()), "cannot write '/x': No space left on device");
  }
}

TEST(Error, ExitCodesAreDistinct) {
  EXPECT_NE(exit_code(ErrorKind::Conflict), exit_code(ErrorKind::Internal));
  EXPECT_EQ(exit_code(ErrorKind::Conflict), 75);
  EXPECT_TRUE(Error(ErrorKind::Network, "x").retryable());
}

}  // namespace
}  // namespace snaplake
