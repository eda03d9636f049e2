// The shared wait of the stages (waits.h): its schedule, the re-send with a delay on the
// embedded queue, the bound, and snaplake's wrapper of a re-sent event.
#include "pipeline/waits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.h"
#include "pipeline/events.h"
#include "queue/sqlite_queue.h"

namespace snaplake::pipeline {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(WaitSchedule, DelaysDoubleUpToTheLongestAndAddUp) {
  WaitSchedule s = export_wait_schedule(std::chrono::hours(1));
  EXPECT_EQ(s.delay_after(1), seconds(30));
  EXPECT_EQ(s.delay_after(2), seconds(60));
  EXPECT_EQ(s.delay_after(4), seconds(240));
  EXPECT_EQ(s.delay_after(5), minutes(5));
  EXPECT_EQ(s.delay_after(100), minutes(5));
  EXPECT_EQ(s.waited_after(0), seconds(0));
  EXPECT_EQ(s.waited_after(3), seconds(30 + 60 + 120));
  EXPECT_EQ(s.waited_after(6), seconds(30 + 60 + 120 + 240 + 300 + 300));

  WaitSchedule t = export_task_wait_schedule(std::chrono::hours(48));
  EXPECT_EQ(t.delay_after(6), minutes(15));  // SQS's longest delay
  EXPECT_EQ(t.delay_after(1000), minutes(15));
}

TEST(WaitSchedule, TheDefaultExportWaitEndsAfterAboutAnHour) {
  // README's example: [export] max_wait = "1h" gives up at the 16th check, 1h3m after the first.
  WaitSchedule s = export_wait_schedule(std::chrono::hours(1));
  EXPECT_LT(s.waited_after(14), std::chrono::hours(1));
  EXPECT_GE(s.waited_after(15), std::chrono::hours(1));
  EXPECT_EQ(describe_duration(s.waited_after(15)), "1h3m");
}

TEST(WaitSchedule, DurationsForMessages) {
  EXPECT_EQ(describe_duration(seconds(45)), "45s");
  EXPECT_EQ(describe_duration(seconds(210)), "4m");
  EXPECT_EQ(describe_duration(std::chrono::hours(1)), "1h");
  EXPECT_EQ(describe_duration(minutes(95)), "1h35m");
}

TEST(WaitAgain, ResendsWithTheDelayThenGivesUpWithTheCause) {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("snaplake-waits-{}", getpid());
  std::filesystem::remove_all(dir);
  auto now = std::make_shared<std::chrono::system_clock::time_point>(
      std::chrono::system_clock::time_point(std::chrono::hours(500000)));
  auto queue = queue::SqliteQueue::open((dir / "queue.db").string(), "events",
                                        {.max_receives = 3, .clock = [now] { return *now; }});
  WaitSchedule s = export_wait_schedule(minutes(2));

  EXPECT_EQ(wait_again(*queue, "first", "original", 1, s, "snapshot 'x' still creating"),
            seconds(30));
  EXPECT_EQ(queue->counts().delayed, 1u);
  *now += seconds(29);
  EXPECT_TRUE(queue->receive(1, seconds(10)).empty());
  *now += seconds(1);
  auto got = queue->receive(1, seconds(10));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "first");

  EXPECT_EQ(wait_again(*queue, "again", "original", 3, s, "snapshot 'x' still creating"),
            seconds(120));
  try {
    wait_again(*queue, "never sent", "original", 4, s, "snapshot 'x' still creating");
    ADD_FAILURE() << "expected the wait to end";
  } catch (const WaitExhausted& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    EXPECT_STREQ(e.what(), "snapshot 'x' still creating after 4 checks over 4m: giving up");
    EXPECT_EQ(e.first_body(), "original");
  }
  EXPECT_EQ(queue->counts().delayed, 1u);  // "again", not "never sent"
  queue.reset();
  std::filesystem::remove_all(dir);
}

TEST(WaitingMessage, WrapsAnyBodyAndLeavesOthersAlone) {
  std::string event = snaplake_event_json("care", "2026-11-25T09:14:03Z");
  WaitingMessage back = unwrap_waiting_message(wrap_waiting_message(event, 7));
  EXPECT_EQ(back.body, event);
  EXPECT_EQ(back.checks, 7);
  // The parsed event is the same, so is the export id.
  EXPECT_EQ(std::get<SnapshotEvent>(parse_event(back.body)).instance_id, "care");

  for (std::string body : {event, std::string("not json at all"), std::string("{\"a\":1}"),
                           std::string("\"snaplake_waiting\"")}) {
    WaitingMessage same = unwrap_waiting_message(body);
    EXPECT_EQ(same.body, body);
    EXPECT_EQ(same.checks, 0);
  }
  for (std::string bad :
       {R"({"snaplake_waiting":{"checks":-1},"body":"x"})", R"({"snaplake_waiting":{"checks":1}})",
        R"({"snaplake_waiting":2,"body":"x"})"}) {
    EXPECT_THROW(unwrap_waiting_message(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace snaplake::pipeline
