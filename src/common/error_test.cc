#include "common/error.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string_view>

namespace snaplake {
namespace {

TEST(Error, CarriesKindAndFormattedMessage) {
  try {
    fail(ErrorKind::NotFound, "table '{}' not found", "public.t");
    FAIL() << "fail() returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_STREQ(e.what(), "table 'public.t' not found");
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

// README.md, "Exit codes": the contract, kind by kind. Every kind is listed (the switch in
// exit_code has no default, so a new kind without a code is a -Wswitch error; this table makes
// it a test failure too), and no two kinds share a code, nor 0 (success) or 1 (unknown).
TEST(Error, ExitCodesAreDistinct) {
  const std::map<ErrorKind, int> documented = {
      {ErrorKind::InvalidInput, 2}, {ErrorKind::Config, 3},        {ErrorKind::Source, 4},
      {ErrorKind::Io, 5},           {ErrorKind::Network, 6},       {ErrorKind::Auth, 7},
      {ErrorKind::NotFound, 8},     {ErrorKind::Unsupported, 9},   {ErrorKind::Internal, 70},
      {ErrorKind::Conflict, 75},    {ErrorKind::Interrupted, 130},
  };
  std::set<int> codes;
  std::set<std::string_view> names;
  for (int k = 0; k <= static_cast<int>(ErrorKind::Internal); ++k) {
    auto kind = static_cast<ErrorKind>(k);
    SCOPED_TRACE(to_string(kind));
    ASSERT_TRUE(documented.contains(kind)) << "kind " << k << " has no documented exit code";
    EXPECT_EQ(exit_code(kind), documented.at(kind));
    EXPECT_NE(exit_code(kind), 0);
    EXPECT_NE(exit_code(kind), 1);
    EXPECT_TRUE(codes.insert(exit_code(kind)).second) << "exit code shared: " << exit_code(kind);
    EXPECT_NE(to_string(kind), "unknown");
    EXPECT_TRUE(names.insert(to_string(kind)).second) << "name shared: " << to_string(kind);
  }
  EXPECT_EQ(codes.size(), documented.size());
  // The drain's "done, but dead-lettered" code is none of the errors' codes.
  EXPECT_FALSE(codes.contains(kExitDeadLettered));
  EXPECT_NE(kExitDeadLettered, 0);
  EXPECT_NE(kExitDeadLettered, 1);
}

}  // namespace
}  // namespace snaplake
