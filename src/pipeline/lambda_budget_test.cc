#include "pipeline/lambda_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace snaplake::pipeline {
namespace {

using namespace std::chrono;
using ::testing::HasSubstr;

std::string refusal(uint64_t bytes, int rate, milliseconds remaining) {
  try {
    require_time_for_export("care", bytes, rate, remaining);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
    return e.what();
  }
  return "";
}

TEST(LambdaBudget, RefusesWhatNeedsMoreThanFourFifthsOfTheTimeLeft) {
  // 10 minutes left, 8 usable: 9,600 MB at 20 MB/s is exactly 8 minutes.
  EXPECT_EQ(refusal(9'600'000'000, 20, minutes(10)), "");
  std::string cause = refusal(9'700'000'000, 20, minutes(10));
  EXPECT_THAT(cause, HasSubstr("instance care holds about 9.0 GiB"));
  EXPECT_THAT(cause, HasSubstr("lambda_mb_per_second = 20 its export needs about 8m05s"));
  EXPECT_THAT(cause, HasSubstr("(10m00s left)"));
  // A faster rate lets it through; a deadline already past refuses anything that is not empty.
  EXPECT_EQ(refusal(9'700'000'000, 40, minutes(10)), "");
  EXPECT_THAT(refusal(1'000'000, 20, -seconds(3)), HasSubstr("(0s left)"));
  EXPECT_EQ(refusal(0, 20, -seconds(3)), "");
}

}  // namespace
}  // namespace snaplake::pipeline
