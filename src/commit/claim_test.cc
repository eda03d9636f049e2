#include "commit/claim.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "commit/test_util.h"
#include "store/local_store.h"
#include "store/memory_store.h"

namespace snaplake::commit {
namespace {

using namespace std::chrono;
using nlohmann::json;

// A claim object like export_info: a status and the lease.
Render doc(std::string status) {
  return [status](const Lease& lease) {
    return json{{"status", status}, {"lease", lease.to_json()}}.dump();
  };
}

// Take what is absent or FAILED, keep COMPLETE, wait for a live IN_PROGRESS, take an abandoned one.
Judgement judge(const std::optional<store::VersionedObject>& current) {
  if (!current) return {Verdict::Take, ""};
  auto j = json::parse(current->bytes);
  std::string status = j.value("status", "");
  if (status == "COMPLETE") return {Verdict::Keep, ""};
  if (status == "FAILED") return {Verdict::Take, "a failed attempt"};
  auto lease = Lease::from_json(j["lease"]);
  if (lease && lease->state(wall_now()) == LeaseState::Live)
    return {Verdict::Busy, "being written by " + lease->describe()};
  return {Verdict::Take, "an abandoned attempt"};
}

ClaimOptions options(milliseconds lease = seconds(30)) {
  return {.lease = lease, .what = "test", .write_options = {}};
}

TEST(Claim, FirstClaimerWinsTheOthersAreBusy) {
  auto store = store::MemoryStore::create_isolated();
  auto claim = Claim::acquire(*store, "e/info.json", doc("IN_PROGRESS"), judge, options());
  ASSERT_TRUE(claim);
  EXPECT_TRUE(claim->held());
  EXPECT_EQ(claim->took_over(), "");
  try {
    Claim::acquire(*store, "e/info.json", doc("IN_PROGRESS"), judge, options());
    FAIL() << "a second claim while the first lives";
  } catch (const ClaimBusy& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(::getpid())), std::string::npos)
        << e.what();
  }
  claim->write(doc("COMPLETE"));
  EXPECT_EQ(Claim::acquire(*store, "e/info.json", doc("IN_PROGRESS"), judge, options()), nullptr);
}

TEST(Claim, AbandonedAttemptIsTakenOverAndItsHolderLearnsIt) {
  auto store = store::MemoryStore::create_isolated();
  auto first = Claim::acquire(*store, "k", doc("IN_PROGRESS"), judge, options());
  // Make the first holder look dead: rewrite the object with a holder that has exited, as a
  // SIGKILLed attempt leaves it.
  Lease dead = first->lease();
  dead.holder = testing::exited_process();
  auto current = store->read_versioned("k");
  store->put_if("k", doc("IN_PROGRESS")(dead), store::Precondition::matches(current->version));

  auto second = Claim::acquire(*store, "k", doc("IN_PROGRESS"), judge, options());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->took_over(), "an abandoned attempt");
  // The first one's next write finds the object changed: it has lost, and says so.
  EXPECT_THROW(first->write(doc("COMPLETE")), ClaimLost);
  EXPECT_FALSE(first->held());
  EXPECT_THROW(first->check(), ClaimLost);
  second->write(doc("COMPLETE"));
  EXPECT_EQ(json::parse(store->read("k"))["lease"]["attemptId"], second->lease().attempt_id);
}

TEST(Claim, RenewalKeepsItAliveAndNoticesATakeover) {
  auto store = store::MemoryStore::create_isolated();
  auto claim = Claim::acquire(*store, "k", doc("IN_PROGRESS"), judge, options(milliseconds(90)));
  auto first_expiry = json::parse(store->read("k"))["lease"]["expiresAt"].get<std::string>();
  // Renewals every 30 ms move the expiry on.
  for (int i = 0; i < 200 && json::parse(store->read("k"))["lease"]["expiresAt"] == first_expiry;
       ++i)
    std::this_thread::sleep_for(milliseconds(10));
  EXPECT_NE(json::parse(store->read("k"))["lease"]["expiresAt"], first_expiry);
  // Someone else overwrites it (a takeover): the renewal finds out and the claim is lost.
  auto current = store->read_versioned("k");
  store->put_if("k", "{\"status\":\"FAILED\"}", store::Precondition::matches(current->version));
  for (int i = 0; i < 200 && claim->held(); ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_FALSE(claim->held());
  EXPECT_EQ(store->read("k"), "{\"status\":\"FAILED\"}");  // the lost holder wrote nothing more
}

TEST(Claim, ConcurrentClaimersOnAFolderHaveExactlyOneWinner) {
  char pattern[] = "/tmp/snaplake-claim-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  auto store = store::LocalStore::open(pattern);
  for (int trial = 0; trial < 10; ++trial) {
    std::string key = "export-" + std::to_string(trial) + "/export_info.json";
    std::vector<std::future<std::unique_ptr<Claim>>> claimers;
    for (int i = 0; i < 6; ++i) {
      claimers.push_back(std::async(std::launch::async, [&] {
        try {
          return Claim::acquire(*store, key, doc("IN_PROGRESS"), judge, options());
        } catch (const ClaimBusy&) {
          return std::unique_ptr<Claim>();
        }
      }));
    }
    std::vector<std::unique_ptr<Claim>> won;
    for (auto& c : claimers) {
      if (auto claim = c.get()) won.push_back(std::move(claim));
    }
    ASSERT_EQ(won.size(), 1u) << "trial " << trial;
    EXPECT_EQ(json::parse(store->read(key))["lease"]["attemptId"], won[0]->lease().attempt_id);
  }
  std::filesystem::remove_all(pattern);
}

}  // namespace
}  // namespace snaplake::commit
