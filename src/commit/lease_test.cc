#include "commit/lease.h"

#include <gtest/gtest.h>

#include <thread>

#include "commit/test_util.h"

namespace snaplake::commit {
namespace {

using namespace std::chrono;

TEST(Lease, StateOfLiveExpiredAndGoneHolders) {
  Lease lease = Lease::begin("export", seconds(60));
  WallTime now = lease.renewed;
  EXPECT_EQ(lease.state(now), LeaseState::Live);
  EXPECT_EQ(lease.state(now + seconds(60)), LeaseState::Live);  // within the skew allowance
  EXPECT_EQ(lease.state(now + seconds(66)), LeaseState::Expired);

  // A holder on another host is judged by the clock only.
  lease.holder.host = "other-host";
  EXPECT_EQ(lease.state(now), LeaseState::Live);
  EXPECT_EQ(lease.state(now + seconds(66)), LeaseState::Expired);

  // A holder on this machine whose process is gone is gone at once, lease or not.
  lease.holder = testing::exited_process();
  EXPECT_EQ(lease.state(now), LeaseState::HolderGone);
}

TEST(Lease, SkewAllowanceIsAQuarterUpToFiveSeconds) {
  EXPECT_EQ(clock_skew_allowance(seconds(4)), seconds(1));
  EXPECT_EQ(clock_skew_allowance(seconds(60)), seconds(5));
}

TEST(Lease, JsonRoundTripKeepsMilliseconds) {
  Lease lease = Lease::begin("land", milliseconds(4500));
  auto back = Lease::from_json(lease.to_json());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->attempt_id, lease.attempt_id);
  EXPECT_EQ(back->started, lease.started);
  EXPECT_EQ(back->expires, lease.expires);
  EXPECT_EQ(back->duration, milliseconds(4500));
  EXPECT_TRUE(back->holder.same_machine_as(lease.holder));
  EXPECT_FALSE(Lease::from_json(nlohmann::json::object()));
  EXPECT_FALSE(Lease::from_json({{"attemptId", "x"}, {"startedAt", "yesterday"}}));
}

TEST(Lease, AttemptIdsAreUnique) {
  EXPECT_NE(Lease::begin("x", seconds(1)).attempt_id, Lease::begin("x", seconds(1)).attempt_id);
}

TEST(Lease, Iso8601) {
  auto t = parse_iso8601("2026-12-01T19:44:37.123Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(iso8601(*t), "2026-12-01T19:44:37.123Z");
  EXPECT_EQ(iso8601(*parse_iso8601("2026-12-01T19:44:37Z")), "2026-12-01T19:44:37.000Z");
  EXPECT_FALSE(parse_iso8601("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("soon"));
}

TEST(LeaseClock, ValidUntilDurationMinusSkewAfterTheLastRenewal) {
  // Long enough that no scheduling delay makes it run out in this test.
  LeaseClock long_clock(seconds(40));
  EXPECT_TRUE(long_clock.valid());
  // 40 ms lease, 10 ms allowance: invalid 30 ms after the last renewal, whatever the delays.
  LeaseClock clock(milliseconds(40));
  std::this_thread::sleep_for(milliseconds(60));
  EXPECT_FALSE(clock.valid());
  clock.renewed(steady_clock::now() + seconds(30));  // as if renewed in the future: valid again
  EXPECT_TRUE(clock.valid());
  clock.renewed(steady_clock::now() - seconds(30));  // an older renewal never shortens it
  EXPECT_TRUE(clock.valid());
}

TEST(Renewer, CallsUntilStoppedAndSurvivesErrors) {
  std::atomic<int> calls{0};
  {
    Renewer renewer(milliseconds(10), [&] {
      if (++calls % 2 == 0) throw std::runtime_error("store unreachable");
    });
    while (calls < 5) std::this_thread::sleep_for(milliseconds(5));
  }
  int after = calls;
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(calls, after);  // stopped with the Renewer
}

}  // namespace
}  // namespace snaplake::commit
