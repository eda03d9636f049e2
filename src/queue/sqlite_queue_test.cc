// The SQLite backend: the conformance suite, and its state machine driven by a fake clock.
#include "queue/sqlite_queue.h"

#include <gmock/gmock.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "common/error.h"
#include "queue/queue_conformance_test.h"

namespace snaplake::queue {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::string temp_db() {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             fmt::format("snaplake-queue-test-{}-{}", getpid(), counter++);
  std::filesystem::remove_all(dir);
  return (dir / "queue.db").string();
}

QueueBackend sqlite_backend() {
  return QueueBackend{
      "sqlite",
      [](int max_receives) -> std::unique_ptr<Queue> {
        return SqliteQueue::open(temp_db(), "events", {.max_receives = max_receives});
      },
      [](Queue& queue) -> std::unique_ptr<Queue> {
        // describe() is "sqlite:<path>#<name>"
        std::string d = queue.describe();
        auto hash = d.rfind('#');
        return SqliteQueue::open(d.substr(7, hash - 7), d.substr(hash + 1), {.max_receives = 4});
      }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, QueueConformance, ::testing::Values(sqlite_backend()),
                         [](const auto& info) { return info.param.name; });

class FakeClock {
 public:
  Clock clock() {
    return [this] { return now_; };
  }
  void advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  std::chrono::system_clock::time_point now_{std::chrono::seconds(1'700'000'000)};
};

class SqliteQueueStates : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteQueue> open(std::string name = "events", int max_receives = 3) {
    return SqliteQueue::open(path_, std::move(name),
                             {.max_receives = max_receives, .clock = clock_.clock()});
  }
  std::string path_ = temp_db();
  FakeClock clock_;
};

TEST_F(SqliteQueueStates, VisibilityTimeoutExpiresExactlyOnTime) {
  auto q = open();
  q->send("a");
  ASSERT_EQ(q->receive(1, 30s).size(), 1u);
  clock_.advance(29'999ms);
  EXPECT_TRUE(q->receive(1, 30s).empty());
  EXPECT_EQ(q->counts().in_flight, 1u);
  clock_.advance(1ms);
  auto again = q->receive(1, 30s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].receive_count, 2);
}

TEST_F(SqliteQueueStates, DelayHoldsTheMessageBack) {
  auto q = open();
  q->send("later", 5min);
  EXPECT_TRUE(q->receive(1, 30s).empty());
  EXPECT_EQ(q->counts().delayed, 1u);
  clock_.advance(5min);
  EXPECT_EQ(q->counts().visible, 1u);
  EXPECT_EQ(q->receive(1, 30s).size(), 1u);
}

TEST_F(SqliteQueueStates, ChangeVisibilityExtendsFromNow) {
  auto q = open();
  q->send("long export");
  auto m = q->receive(1, 30s).at(0);
  clock_.advance(20s);
  q->change_visibility(m.receipt, 30s);  // now invisible until t+50s
  clock_.advance(29s);
  EXPECT_TRUE(q->receive(1, 30s).empty());
  clock_.advance(1s);
  EXPECT_EQ(q->receive(1, 30s).size(), 1u);
}

TEST_F(SqliteQueueStates, AStaleReceiptNeitherExtendsNorDeletes) {
  auto q = open();
  q->send("x");
  auto first = q->receive(1, 10s).at(0);
  clock_.advance(10s);
  auto second = q->receive(1, 10s).at(0);
  try {
    q->change_visibility(first.receipt, 60s);
    FAIL() << "a stale receipt was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
  }
  q->remove(first.receipt);
  EXPECT_EQ(q->counts().in_flight, 1u);
  q->dead_letter(first, "late");  // not the holder any more: no effect
  EXPECT_TRUE(q->dead_letters().empty());
  q->remove(second.receipt);
  EXPECT_EQ(q->counts().pending(), 0u);
}

TEST_F(SqliteQueueStates, DeadLettersOnTheReceiveAfterMaxReceives) {
  auto q = open("events", 3);
  q->send("poison");
  for (int i = 1; i <= 3; ++i) {
    auto got = q->receive(1, 10s);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].receive_count, i);
    clock_.advance(10s);
  }
  EXPECT_TRUE(q->receive(1, 10s).empty());
  auto dead = q->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].receive_count, 3);
  EXPECT_THAT(dead[0].cause, HasSubstr("received 3 times"));
  EXPECT_EQ(q->counts().dead, 1u);
  EXPECT_EQ(q->counts().pending(), 0u);
}

TEST_F(SqliteQueueStates, QueuesInOneFileAreSeparateAndSurviveReopening) {
  {
    auto events = open("events");
    auto tasks = open("tasks");
    events->send("e");
    tasks->send("t1");
    tasks->send("t2", 1min);
  }
  auto events = open("events");
  auto tasks = open("tasks");
  EXPECT_EQ(events->counts().visible, 1u);
  EXPECT_EQ(tasks->counts().visible, 1u);
  EXPECT_EQ(tasks->counts().delayed, 1u);
  EXPECT_EQ(events->receive(10, 1s).at(0).body, "e");
  EXPECT_EQ(tasks->receive(10, 1s).at(0).body, "t1");
}

TEST_F(SqliteQueueStates, RejectsBadArguments) {
  auto q = open();
  EXPECT_THROW(q->receive(0, 1s), Error);
  EXPECT_THROW(q->receive(11, 1s), Error);
  EXPECT_THROW(q->send("x", -1s), Error);
}

TEST_F(SqliteQueueStates, LongPollingReturnsWhenAMessageArrives) {
  auto q = open();
  auto other = open();
  std::thread sender([&] {
    std::this_thread::sleep_for(150ms);
    other->send("arrived");
  });
  auto got = q->receive(1, 30s, 10s);
  sender.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "arrived");
}

}  // namespace
}  // namespace snaplake::queue
