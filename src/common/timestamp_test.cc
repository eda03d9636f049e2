#include "common/timestamp.h"

#include <gtest/gtest.h>

namespace snaplake {
namespace {

using namespace std::chrono;

TEST(Timestamp, WritesUtcToTheMillisecondAndReadsItBack) {
  WallTime t = sys_days{2026y / 12 / 1} + hours{19} + minutes{44} + seconds{37} + milliseconds{5};
  EXPECT_EQ(iso8601(t), "2026-12-01T19:44:37.005Z");
  EXPECT_EQ(parse_iso8601(iso8601(t)), t);
  WallTime now = wall_now();
  EXPECT_EQ(parse_iso8601(iso8601(now)), now);
}

TEST(Timestamp, ReadsTheFormsAwsAndExportInfoUse) {
  WallTime base = sys_days{2026y / 11 / 25} + minutes{30};
  EXPECT_EQ(parse_iso8601("2026-11-25T00:30:00Z"), base);
  EXPECT_EQ(parse_iso8601("2026-11-25T00:30:00"), base);
  EXPECT_EQ(parse_iso8601("2026-11-25 00:30:00"), base);
  EXPECT_EQ(parse_iso8601("2026-11-25T00:30:00.123456Z"), base + milliseconds{123});
  EXPECT_EQ(parse_iso8601("2026-11-25T00:30:00.5Z"), base + milliseconds{500});
  EXPECT_EQ(parse_iso8601("2026-11-25T01:30:00+01:00"), base);
  EXPECT_EQ(parse_iso8601("2026-11-24T23:00:00-0130"), base);
  EXPECT_EQ(parse_iso8601("2026-11-25T02:30:00+02"), base);
}

TEST(Timestamp, RefusesWhatIsNotATime) {
  for (std::string_view bad :
       {"", "2026-11-25", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z",
        "2026-11-25T00:60:00Z", "2026-11-25T00:30:00.Z", "2026-11-25T00:30:00+1",
        "2026-11-25T00:30:00 UTC", "2026-11-25T00:30:00+25:00", "yyyy-mm-ddThh:mm:ssZ",
        "Nov 25, 2026 12:30:00 AM"}) {
    EXPECT_EQ(parse_iso8601(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace snaplake
