#include "queue/queue_conformance_test.h"

#include <gmock/gmock.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "common/error.h"

namespace snaplake::queue {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

std::unique_ptr<Queue> make_or_skip(const QueueBackend& backend, int max_receives = 4) {
  return backend.make(max_receives);
}

#define MAKE_QUEUE(var, ...)                                      \
  auto var = make_or_skip(GetParam() __VA_OPT__(, ) __VA_ARGS__); \
  if (!var) GTEST_SKIP() << GetParam().name << " is not available here";

TEST_P(QueueConformance, DeliversWhatWasSentAndForgetsWhatWasRemoved) {
  MAKE_QUEUE(q);
  std::string body = R"({"text":"héllo, \"world\"\n","n":1})";
  std::string id = q->send(body);
  EXPECT_FALSE(id.empty());
  auto got = q->receive(10, 60s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, id);
  EXPECT_EQ(got[0].body, body);
  EXPECT_EQ(got[0].receive_count, 1);
  EXPECT_FALSE(got[0].receipt.empty());
  q->remove(got[0].receipt);
  EXPECT_TRUE(q->receive(10, 0s).empty());
  EXPECT_EQ(q->counts().pending(), 0u);
}

TEST_P(QueueConformance, AReceivedMessageIsInvisibleUntilItsTimeoutPasses) {
  MAKE_QUEUE(q);
  q->send("one");
  auto first = q->receive(1, 60s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(q->receive(1, 60s).empty());
  EXPECT_EQ(q->counts().in_flight, 1u);
  // Visibility 0: released at once, received again with a new receipt and a higher count.
  q->change_visibility(first[0].receipt, 0ms);
  auto second = q->receive(1, 60s);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, first[0].id);
  EXPECT_EQ(second[0].receive_count, 2);
  EXPECT_NE(second[0].receipt, first[0].receipt);
  q->remove(second[0].receipt);
}

TEST_P(QueueConformance, ADelayedMessageWaits) {
  MAKE_QUEUE(q);
  q->send("later", 600s);
  EXPECT_TRUE(q->receive(10, 60s).empty());
  auto counts = q->counts();
  EXPECT_EQ(counts.delayed, 1u);
  EXPECT_EQ(counts.pending(), 1u);
}

TEST_P(QueueConformance, ReceivesAtMostMaxAndEachMessageOnce) {
  MAKE_QUEUE(q);
  for (int i = 0; i < 15; ++i) q->send("m" + std::to_string(i));
  std::multiset<std::string> seen;
  for (int round = 0; round < 10 && seen.size() < 15; ++round) {
    auto got = q->receive(10, 60s);
    EXPECT_LE(got.size(), 10u);
    for (auto& m : got) {
      seen.insert(m.body);
      q->remove(m.receipt);
    }
  }
  EXPECT_EQ(seen.size(), 15u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 15u);
}

TEST_P(QueueConformance, DeadLetterKeepsTheCause) {
  MAKE_QUEUE(q);
  q->send("bad");
  auto got = q->receive(1, 60s);
  ASSERT_EQ(got.size(), 1u);
  q->dead_letter(got[0], "malformed message: unexpected end of input");
  EXPECT_TRUE(q->receive(1, 0s).empty());
  auto dead = q->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "bad");
  EXPECT_EQ(dead[0].cause, "malformed message: unexpected end of input");
}

TEST_P(QueueConformance, DeadLetterMayKeepAnotherBody) {
  // The pipeline keeps a waiting message as first received, without its check count.
  MAKE_QUEUE(q);
  q->send(R"({"snaplake_waiting":{"checks":16},"body":"event"})");
  auto got = q->receive(1, 60s);
  ASSERT_EQ(got.size(), 1u);
  q->dead_letter(got[0], "still creating after 16 checks", std::string_view("event"));
  EXPECT_TRUE(q->receive(1, 0s).empty());
  auto dead = q->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "event");
  EXPECT_EQ(dead[0].cause, "still creating after 16 checks");
}

TEST_P(QueueConformance, DeadLettersAfterMaxReceives) {
  MAKE_QUEUE(q, 2);
  q->send("poison");
  for (int i = 1; i <= 2; ++i) {
    auto got = q->receive(1, 0s);
    ASSERT_EQ(got.size(), 1u) << "receive " << i;
    EXPECT_EQ(got[0].receive_count, i);
  }
  EXPECT_TRUE(q->receive(1, 0s).empty());
  auto dead = q->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].body, "poison");
}

// Dead-letters each of `bodies` (sent, received, dead-lettered with a cause).
void dead_letter_all(Queue& q, std::initializer_list<std::string_view> bodies) {
  for (auto body : bodies) {
    q.send(body);
    auto got = q.receive(1, 60s);
    ASSERT_EQ(got.size(), 1u);
    q.dead_letter(got[0], fmt::format("cause of {}", body));
  }
}

std::multiset<std::string> bodies_of(const std::vector<DeadLetter>& dead) {
  std::multiset<std::string> out;
  for (const auto& d : dead) out.insert(d.body);
  return out;
}

TEST_P(QueueConformance, ADeadLetterKeepsItsMessagesId) {
  // The id the workers record (and `snaplake status` shows) is the one redrive --id takes.
  MAKE_QUEUE(q, 2);
  std::string given_up = q->send("given up");
  auto got = q->receive(1, 60s);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].id, given_up);
  q->dead_letter(got[0], "cause", std::string_view("as first received"));
  std::string poison = q->send("poison");
  for (int i = 1; i <= 2; ++i) ASSERT_EQ(q->receive(1, 0s).size(), 1u) << "receive " << i;
  EXPECT_TRUE(q->receive(1, 0s).empty());  // moved by max_receives
  std::map<std::string, std::string> id_by_body;
  for (const auto& d : q->dead_letters()) id_by_body[d.body] = d.id;
  EXPECT_EQ(id_by_body, (std::map<std::string, std::string>{{"as first received", given_up},
                                                            {"poison", poison}}));
  EXPECT_EQ(q->redrive(given_up), std::vector<std::string>{given_up});
  EXPECT_EQ(q->dead_letters().size(), 1u);
}

TEST_P(QueueConformance, RedriveMovesEveryDeadLetterBackAsANewMessage) {
  MAKE_QUEUE(q);
  dead_letter_all(*q, {"a", "b"});
  std::set<std::string> dead_ids;
  for (const auto& d : q->dead_letters()) dead_ids.insert(d.id);
  auto moved = q->redrive();
  EXPECT_EQ(std::set<std::string>(moved.begin(), moved.end()), dead_ids);
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_TRUE(q->dead_letters().empty());
  EXPECT_EQ(q->counts().dead, 0u);
  // Back, and afresh: the first receive counts 1, as for a message never received.
  std::multiset<std::string> received;
  for (int i = 0; i < 2; ++i) {
    auto got = q->receive(1, 60s);
    ASSERT_EQ(got.size(), 1u) << "receive " << i;
    EXPECT_EQ(got[0].receive_count, 1);
    received.insert(got[0].body);
    q->remove(got[0].receipt);
  }
  EXPECT_EQ(received, (std::multiset<std::string>{"a", "b"}));
  EXPECT_TRUE(q->redrive().empty()) << "nothing left to redrive";
}

TEST_P(QueueConformance, RedriveOfOneIdMovesThatOneAndKeepsTheOthers) {
  MAKE_QUEUE(q);
  dead_letter_all(*q, {"a", "b", "c"});
  std::string id_of_b;
  for (const auto& d : q->dead_letters()) {
    if (d.body == "b") id_of_b = d.id;
  }
  ASSERT_FALSE(id_of_b.empty());
  EXPECT_EQ(q->redrive(id_of_b), std::vector<std::string>{id_of_b});
  auto got = q->receive(10, 60s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "b");
  EXPECT_EQ(got[0].receive_count, 1);
  // The others are still dead letters, at once (not hidden while the redrive looked for b).
  EXPECT_EQ(bodies_of(q->dead_letters()), (std::multiset<std::string>{"a", "c"}));
}

TEST_P(QueueConformance, RedriveOfAnUnknownIdFailsAndMovesNothing) {
  MAKE_QUEUE(q);
  dead_letter_all(*q, {"a"});
  try {
    q->redrive(std::string_view("12345678"));
    ADD_FAILURE() << "redrive of an unknown id returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound) << e.what();
    EXPECT_NE(std::string(e.what()).find("12345678"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(q->receive(1, 0s).empty());
  EXPECT_EQ(bodies_of(q->dead_letters()), (std::multiset<std::string>{"a"}));
}

TEST_P(QueueConformance, ARedrivenPoisonMessageGetsItsReceivesAgain) {
  MAKE_QUEUE(q, 2);
  q->send("poison");
  for (int i = 1; i <= 2; ++i) ASSERT_EQ(q->receive(1, 0s).size(), 1u);
  EXPECT_TRUE(q->receive(1, 0s).empty());  // moved to the dead letters by max_receives
  ASSERT_EQ(q->redrive().size(), 1u);
  for (int i = 1; i <= 2; ++i) {
    auto got = q->receive(1, 0s);
    ASSERT_EQ(got.size(), 1u) << "receive " << i;
    EXPECT_EQ(got[0].receive_count, i);
  }
}

TEST_P(QueueConformance, TwoConsumersNeverShareAMessage) {
  MAKE_QUEUE(q);
  constexpr int kMessages = 40;
  for (int i = 0; i < kMessages; ++i) q->send(std::to_string(i));
  auto other = GetParam().reopen(*q);
  std::mutex mutex;
  std::vector<std::string> seen;
  auto consume = [&](Queue& queue) {
    for (;;) {
      auto got = queue.receive(3, 60s);
      if (got.empty()) return;
      for (auto& m : got) {
        {
          std::lock_guard lock(mutex);
          seen.push_back(m.body);
        }
        queue.remove(m.receipt);
      }
    }
  };
  std::thread a([&] { consume(*q); });
  std::thread b([&] { consume(*other); });
  a.join();
  b.join();
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(unique.size(), static_cast<size_t>(kMessages));
}

}  // namespace
}  // namespace snaplake::queue
