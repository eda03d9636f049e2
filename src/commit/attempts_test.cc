#include "commit/attempts.h"

#include <gtest/gtest.h>

#include <thread>

#include "commit/claim.h"
#include "commit/test_util.h"
#include "store/forwarding_store_test_util.h"
#include "store/memory_store.h"

namespace snaplake::commit {
namespace {

using namespace std::chrono;

TEST(LiveAttempt, RecordLivesAsLongAsTheAttempt) {
  auto store = store::MemoryStore::create_isolated();
  {
    auto a = LiveAttempt::begin(*store, "land", {"p/1/", "p/2/"}, seconds(30));
    auto b = LiveAttempt::begin(*store, "land", {"p/3/"}, seconds(30));
    EXPECT_EQ(store->list(std::string(kAttemptsPrefix)).size(), 2u);
    EXPECT_EQ(partitions_of_live_attempts(*store, a->lease().attempt_id),
              (std::set<std::string>{"p/3/"}));
    EXPECT_EQ(partitions_of_live_attempts(*store, ""),
              (std::set<std::string>{"p/1/", "p/2/", "p/3/"}));
    EXPECT_NO_THROW(a->check());
  }
  EXPECT_TRUE(store->list(std::string(kAttemptsPrefix)).empty());
}

TEST(LiveAttempt, DeadAttemptsRecordsAreRemovedAndTheirPartitionsFree) {
  auto store = store::MemoryStore::create_isolated();
  // A killed attempt's record: its holder has exited.
  Lease dead = Lease::begin("land", seconds(30));
  dead.holder = testing::exited_process();
  store->put(std::string(kAttemptsPrefix) + dead.attempt_id + ".json",
             nlohmann::json{{"lease", dead.to_json()}, {"partitions", {"p/1/"}}}.dump());
  // One on another host whose lease ran out long ago.
  Lease expired = Lease::begin("land", seconds(30));
  expired.holder.host = "gone-host";
  expired.renew(wall_now() - hours(1));
  store->put(std::string(kAttemptsPrefix) + expired.attempt_id + ".json",
             nlohmann::json{{"lease", expired.to_json()}, {"partitions", {"p/2/"}}}.dump());
  // And a live one on another host.
  Lease live = Lease::begin("land", seconds(30));
  live.holder.host = "busy-host";
  store->put(std::string(kAttemptsPrefix) + live.attempt_id + ".json",
             nlohmann::json{{"lease", live.to_json()}, {"partitions", {"p/3/"}}}.dump());

  EXPECT_EQ(partitions_of_live_attempts(*store, ""), (std::set<std::string>{"p/3/"}));
  auto left = store->list(std::string(kAttemptsPrefix));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NE(left[0].key.find(live.attempt_id), std::string::npos);
}

// A store that becomes unreachable for writes once told to.
class BreakingStore final : public store::testing::ForwardingStore {
 public:
  std::atomic<bool> broken{false};
  std::optional<std::string> put_if(std::string_view key, std::string_view bytes,
                                    const store::Precondition& condition,
                                    const store::WriteOptions& o = {}) override {
    if (broken) fail(ErrorKind::Network, "cannot write '{}': connection refused", key);
    return ForwardingStore::put_if(key, bytes, condition, o);
  }
};

TEST(LiveAttempt, ARecordRemovedByASweeperStopsTheAttempt) {
  auto store = store::MemoryStore::create_isolated();
  // A lease long enough that a renewal thread late by hundreds of milliseconds (a loaded
  // machine) still renews before the attempt's own clock runs out (75% of it).
  auto a = LiveAttempt::begin(*store, "land", {"p/"}, milliseconds(900));
  // Another landing judged it dead and removed its record: the next renewal finds out.
  auto records = store->list(std::string(kAttemptsPrefix));
  ASSERT_EQ(records.size(), 1u);
  store->remove(std::vector<std::string>{records[0].key});
  for (int i = 0; i < 600; ++i) {
    try {
      a->check();
    } catch (const ClaimLost& e) {
      EXPECT_NE(std::string(e.what()).find("judged it dead"), std::string::npos) << e.what();
      return;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  FAIL() << "the attempt never noticed that its record was removed";
}

TEST(LiveAttempt, LeaseRunningOutLocallyStopsTheAttempt) {
  BreakingStore store;
  auto a = LiveAttempt::begin(store, "land", {"p/"}, milliseconds(60));
  store.broken = true;  // every renewal fails from now on
  // 60 ms lease, 15 ms allowance: invalid 45 ms after the last renewal at the latest.
  for (int i = 0; i < 300; ++i) {
    try {
      a->check();
    } catch (const ClaimLost& e) {
      EXPECT_NE(std::string(e.what()).find("ran out"), std::string::npos) << e.what();
      store.broken = false;
      return;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  FAIL() << "the attempt never noticed that its lease could not be renewed";
}

}  // namespace
}  // namespace snaplake::commit
