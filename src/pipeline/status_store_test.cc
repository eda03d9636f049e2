#include "pipeline/status_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>

#include "pipeline/config.h"
#include "pipeline/object_status_store.h"
#include "pipeline/sqlite_status_store.h"
#include "pipeline/worker.h"
#include "store/local_store.h"
#include "store/memory_store.h"
#include "store/s3_store.h"
#include "store/store_test_backends.h"

namespace snaplake::pipeline {
namespace {

// Every status store runs the same tests. A backend gives a fresh, empty location and opens any
// number of stores onto it, each its own connection (as separate workers, hosts or processes
// have): the SQLite file, and the object store over memory, a folder, and S3 on moto_server.
struct Location {
  std::function<std::unique_ptr<StatusStore>(queue::Clock)> open;
  std::function<void()> cleanup;
};
struct Backend {
  std::string name;
  std::function<std::string()> unavailable;  // "" when usable
  std::function<Location()> make;
};
void PrintTo(const Backend& backend, std::ostream* out) {
  *out << backend.name;
}

std::filesystem::path fresh_folder(std::string_view stem) {
  std::string pattern = fmt::format("/tmp/snaplake-{}-XXXXXX", stem);
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::vector<Backend> backends() {
  auto always = [] { return std::string(); };
  std::vector<Backend> out;
  out.push_back({"Sqlite", always, [] {
                   auto dir = fresh_folder("status-sqlite");
                   return Location{[dir](queue::Clock clock) -> std::unique_ptr<StatusStore> {
                                     return SqliteStatusStore::open((dir / "status.db").string(),
                                                                    std::move(clock));
                                   },
                                   [dir] { std::filesystem::remove_all(dir); }};
                 }});
  out.push_back({"ObjectsInMemory", always, [] {
                   std::string name = store::conformance::fresh_bucket_name("status");
                   return Location{[name](queue::Clock clock) -> std::unique_ptr<StatusStore> {
                                     return ObjectStatusStore::open(
                                         store::MemoryStore::open_named(name), std::move(clock));
                                   },
                                   {}};
                 }});
  out.push_back({"ObjectsInAFolder", always, [] {
                   auto dir = fresh_folder("status-folder");
                   return Location{[dir](queue::Clock clock) -> std::unique_ptr<StatusStore> {
                                     return ObjectStatusStore::open(
                                         store::LocalStore::open(dir / "_snaplake" / "status"),
                                         std::move(clock));
                                   },
                                   [dir] { std::filesystem::remove_all(dir); }};
                 }});
  out.push_back(
      {"ObjectsInS3",
       [] {
         return std::getenv("SNAPLAKE_TEST_S3_ENDPOINT")
                    ? std::string()
                    : std::string("SNAPLAKE_TEST_S3_ENDPOINT is not set (no moto_server)");
       },
       [] {
         std::string endpoint = std::getenv("SNAPLAKE_TEST_S3_ENDPOINT");
         std::string bucket = store::conformance::fresh_bucket_name("status");
         store::conformance::test_s3_client(endpoint)->create_bucket(bucket);
         return Location{[endpoint, bucket](queue::Clock clock) -> std::unique_ptr<StatusStore> {
                           // A client of its own, as another host would have.
                           return ObjectStatusStore::open(
                               store::S3Store::open(store::conformance::test_s3_client(endpoint),
                                                    bucket, "exports/_snaplake/status"),
                               std::move(clock));
                         },
                         {}};
       }});
  return out;
}

class StatusStores : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (auto reason = GetParam().unavailable(); !reason.empty()) GTEST_SKIP() << reason;
    location_ = GetParam().make();
  }
  void TearDown() override {
    if (location_.cleanup) location_.cleanup();
  }
  std::unique_ptr<StatusStore> open(queue::Clock clock = queue::system_clock()) {
    return location_.open(std::move(clock));
  }
  Location location_;
};

TEST_P(StatusStores, FollowRunsThroughTheirStages) {
  std::chrono::system_clock::time_point now{std::chrono::seconds(1'700'000'000)};
  auto store = open([&] { return now; });

  store->update({.export_id = "db-1",
                 .instance_id = "db",
                 .snapshot_id = "rds:db-2021",
                 .event_id = "RDS-EVENT-0091",
                 .stage = RunStage::Exporting,
                 .new_attempt = true});
  now += std::chrono::seconds(3);
  store->update({.export_id = "db-1", .stage = RunStage::Failed, .error = "source database: down"});
  auto failed = store->run("db-1");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->stage, RunStage::Failed);
  EXPECT_EQ(failed->error, "source database: down");
  EXPECT_EQ(failed->instance_id, "db");  // kept from the first sighting

  now += std::chrono::seconds(3);
  store->update({.export_id = "db-1", .stage = RunStage::Exporting, .new_attempt = true});
  store->update({.export_id = "db-1",
                 .stage = RunStage::Exported,
                 .tables = 3,
                 .rows = 42,
                 .bytes = 1000,
                 .export_location = "/x/db-1"});
  now += std::chrono::seconds(1);
  store->update({.export_id = "db-1", .stage = RunStage::Landed, .rows = 42});
  auto run = store->run("db-1");
  ASSERT_TRUE(run);
  EXPECT_EQ(run->stage, RunStage::Landed);
  EXPECT_EQ(run->error, "");
  EXPECT_EQ(run->attempts, 2);
  EXPECT_EQ(run->tables, 3u);
  EXPECT_EQ(run->rows, 42u);
  EXPECT_EQ(run->bytes, 1000u);
  EXPECT_EQ(run->export_location, "/x/db-1");
  EXPECT_EQ(run->started_ms, 1'700'000'000'000);
  EXPECT_EQ(run->exported_ms, 1'700'000'006'000);
  EXPECT_EQ(run->landed_ms, 1'700'000'007'000);
  EXPECT_EQ(run->snapshot_id, "rds:db-2021");

  store->note("events", "7", "dead-lettered", "invalid input: malformed message");
  auto notes = store->recent_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].outcome, "dead-lettered");
  EXPECT_EQ(store->recent_runs().size(), 1u);
  EXPECT_FALSE(store->run("other"));
  // Another worker's store onto the same location sees the same run.
  auto other = open([&] { return now; });
  ASSERT_TRUE(other->run("db-1"));
  EXPECT_EQ(other->run("db-1")->landed_ms, 1'700'000'007'000);
}

TEST_P(StatusStores, RecentRunsNotesAndDeadLettersNewestFirst) {
  std::chrono::system_clock::time_point now{std::chrono::seconds(1'800'000'000)};
  auto store = open([&] { return now; });
  for (int i = 0; i < 5; ++i) {
    store->update({.export_id = fmt::format("run-{}", i), .stage = RunStage::Exporting});
    store->note("events", fmt::format("m{}", i), "ignored", fmt::format("note {}", i));
    now += std::chrono::seconds(1);
  }
  // Updating an old run does not make it recent: runs are listed by when they were first seen.
  store->update({.export_id = "run-0", .stage = RunStage::Landed});
  std::vector<std::string> ids;
  for (const auto& r : store->recent_runs(3)) ids.push_back(r.export_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"run-4", "run-3", "run-2"}));
  EXPECT_EQ(store->recent_runs().size(), 5u);
  EXPECT_EQ(store->recent_runs().back().stage, RunStage::Landed);
  std::vector<std::string> details;
  for (const auto& n : store->recent_notes(2)) details.push_back(n.detail);
  EXPECT_EQ(details, (std::vector<std::string>{"note 4", "note 3"}));

  // An id with bytes a key cannot hold is kept as it was given.
  const std::string odd = "db/one two%2F\xc3\xa9";
  store->update({.export_id = odd, .stage = RunStage::Pending});
  ASSERT_TRUE(store->run(odd));
  EXPECT_EQ(store->recent_runs(1).at(0).export_id, odd);

  store->dead_letter(
      {.queue = "events", .message_id = "a", .cause = "first", .receive_count = 1, .body = "{}"});
  now += std::chrono::seconds(1);
  store->dead_letter({.queue = "tasks",
                      .message_id = "b",
                      .cause = "second",
                      .receive_count = 4,
                      .body = std::string(10000, 'x')});
  now += std::chrono::seconds(1);
  // The same message given up again (a Lambda batch item delivered once more): listed once.
  store->dead_letter(
      {.queue = "events", .message_id = "a", .cause = "again", .receive_count = 2, .body = "{}"});
  auto dead = store->recent_dead_letters();
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].message_id, "a");
  EXPECT_EQ(dead[0].cause, "again");
  EXPECT_EQ(dead[0].receive_count, 2);
  EXPECT_EQ(dead[0].time_ms, 1'800'000'007'000);
  EXPECT_EQ(dead[1].queue, "tasks");
  EXPECT_EQ(dead[1].cause, "second");
  EXPECT_EQ(dead[1].body.size(), kDeadLetterBodyBytes);
  EXPECT_EQ(store->recent_dead_letters(1).size(), 1u);
}

TEST_P(StatusStores, LastLandingsAreEachInstancesLatestHoweverOld) {
  std::chrono::system_clock::time_point now{std::chrono::seconds(1'800'000'000)};
  auto store = open([&] { return now; });
  auto land = [&](StatusStore& s, const std::string& export_id, const std::string& instance) {
    s.update({.export_id = export_id, .instance_id = instance, .stage = RunStage::Exporting});
    s.update({.export_id = export_id, .stage = RunStage::Landed});
  };
  EXPECT_TRUE(store->last_landings().empty());
  land(*store, "care-1", "care");
  now += std::chrono::seconds(10);
  land(*store, "care-2", "care");
  now += std::chrono::seconds(10);
  land(*store, "pay-1", "payroll");
  store->update({.export_id = "pay-2", .instance_id = "payroll", .stage = RunStage::Failed});
  // Another host whose clock is behind lands an instance: the later landing kept stays.
  std::chrono::system_clock::time_point behind = now - std::chrono::hours(1);
  auto other = open([&] { return behind; });
  land(*other, "care-3", "care");
  // Many runs since: the last landings are not limited to the recent ones.
  for (int i = 0; i < 30; ++i) {
    now += std::chrono::seconds(1);
    store->update({.export_id = fmt::format("new-{}", i),
                   .instance_id = "new",
                   .stage = RunStage::Exporting});
  }
  EXPECT_EQ(store->last_landings(),
            (std::map<std::string, int64_t>{{"care", 1'800'000'010'000},
                                            {"payroll", 1'800'000'020'000}}));
  EXPECT_EQ(open([&] { return now; })->last_landings(), store->last_landings());
}

TEST_P(StatusStores, ARedrivenDeadLetterIsForgottenEveryRecordOfIt) {
  std::chrono::system_clock::time_point now{std::chrono::seconds(1'800'000'000)};
  auto store = open([&] { return now; });
  const std::string odd = "id/with spaces%2F-events-a";  // ends like another key would
  for (const auto& [queue, id] : std::vector<std::pair<std::string, std::string>>{
           {"events", "a"}, {"tasks", "a"}, {"events", odd}, {"events", "a"}}) {
    store->dead_letter({.queue = queue, .message_id = id, .cause = "given up", .body = "{}"});
    now += std::chrono::seconds(1);
  }
  ASSERT_EQ(store->recent_dead_letters().size(), 3u);
  store->forget_dead_letter("events", "a");
  std::vector<std::pair<std::string, std::string>> left;
  for (const auto& d : store->recent_dead_letters()) left.emplace_back(d.queue, d.message_id);
  EXPECT_EQ(left,
            (std::vector<std::pair<std::string, std::string>>{{"events", odd}, {"tasks", "a"}}));
  store->forget_dead_letter("events", "never recorded");
  store->forget_dead_letter("events", odd);
  store->forget_dead_letter("tasks", "a");
  EXPECT_TRUE(store->recent_dead_letters().empty());
  // Another worker's store sees the same.
  EXPECT_TRUE(open([&] { return now; })->recent_dead_letters().empty());
}

// Several workers update one run and each its own at the same time, each through its own store
// (its own connection or client, as separate processes and hosts have). Every update is counted
// (new_attempt): after each trial the shared run's attempts are the sum of all the updates made
// to it, and each worker's own run has all of its own. A lost update would show as a shortfall.
TEST_P(StatusStores, ConcurrentUpdatesAreNeverLost) {
  constexpr int kTrials = 5;
  constexpr int kWorkers = 4;
  constexpr int kUpdates = 12;
  int violations = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<std::unique_ptr<StatusStore>> stores;
    for (int w = 0; w < kWorkers; ++w) stores.push_back(open());
    const std::string shared = fmt::format("shared-{}", trial);
    std::atomic<bool> go{false};
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
      workers.emplace_back([&, w] {
        while (!go.load()) std::this_thread::yield();
        StatusStore& store = *stores[w];
        for (int i = 0; i < kUpdates; ++i) {
          store.update({.export_id = shared,
                        .instance_id = fmt::format("worker-{}", w),
                        .stage = i % 2 ? RunStage::Exporting : RunStage::Landing,
                        .rows = uint64_t(i),
                        .new_attempt = true});
          store.update({.export_id = fmt::format("own-{}-{}", trial, w),
                        .stage = RunStage::Exporting,
                        .new_attempt = true});
        }
        store.note("events", fmt::format("{}-{}", trial, w), "ignored", "done");
      });
    }
    go = true;
    for (auto& t : workers) t.join();
    auto reader = open();
    auto run = reader->run(shared);
    if (!run || run->attempts != kWorkers * kUpdates) {
      ++violations;
      ADD_FAILURE() << "trial " << trial << ": shared run has " << (run ? run->attempts : -1)
                    << " of " << kWorkers * kUpdates << " updates";
    }
    for (int w = 0; w < kWorkers; ++w) {
      auto own = reader->run(fmt::format("own-{}-{}", trial, w));
      if (!own || own->attempts != kUpdates) {
        ++violations;
        ADD_FAILURE() << "trial " << trial << ": worker " << w << "'s run has "
                      << (own ? own->attempts : -1) << " of " << kUpdates << " updates";
      }
    }
    // Each run is listed once among the recent ones, however many raced to create it.
    std::multiset<std::string> listed;
    for (const auto& r : reader->recent_runs(1000)) listed.insert(r.export_id);
    if (listed.count(shared) != 1) {
      ++violations;
      ADD_FAILURE() << "trial " << trial << ": shared run listed " << listed.count(shared)
                    << " times";
    }
    EXPECT_EQ(listed.size(), static_cast<size_t>((trial + 1) * (kWorkers + 1)));
  }
  EXPECT_EQ(violations, 0);
  std::printf("[ %s ] %d trials x %d workers x %d updates: %d violations\n",
              GetParam().name.c_str(), kTrials, kWorkers, 2 * kUpdates, violations);
}

INSTANTIATE_TEST_SUITE_P(Backends, StatusStores, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param.name; });

TEST(StatusStoreOpen, FollowsTheQueueBackendAndTheStatusLocation) {
  auto dir = fresh_folder("status-open");
  Environment none([](std::string_view) { return std::optional<std::string>(); });
  auto config = [&](std::string_view extra) {
    return parse_config(fmt::format("[export]\nto = \"exports/\"\n{}", extra), "snaplake.toml", dir,
                        none);
  };
  Config embedded = config("");
  EXPECT_EQ(embedded.status.location, "");
  EXPECT_TRUE(dynamic_cast<SqliteStatusStore*>(StatusStore::open(embedded, nullptr).get()));
  EXPECT_TRUE(std::filesystem::exists(dir / ".snaplake" / "status.db"));

  Config sqs = config(
      "[queue]\nbackend = \"sqs\"\nevents_url = \"http://q/events\"\ntasks_url = "
      "\"http://q/tasks\"\n");
  EXPECT_EQ(sqs.status.location, (dir / "exports" / "_snaplake" / "status").string());
  auto shared = StatusStore::open(sqs, nullptr);
  EXPECT_TRUE(dynamic_cast<ObjectStatusStore*>(shared.get()));
  shared->update({.export_id = "e1", .stage = RunStage::Landed});
  EXPECT_TRUE(
      std::filesystem::exists(dir / "exports" / "_snaplake" / "status" / "runs" / "e1.json"));

  Config chosen = config("[status]\nlocation = \"state\"\n");
  EXPECT_EQ(chosen.status.location, (dir / "state").string());
  EXPECT_TRUE(dynamic_cast<ObjectStatusStore*>(StatusStore::open(chosen, nullptr).get()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace snaplake::pipeline

namespace snaplake::pipeline {
namespace {

TEST(RunStage, EveryStageHasOneNameThatParsesBack) {
  std::set<std::string_view> names;
  for (int s = 0; s <= static_cast<int>(RunStage::DeadLettered); ++s) {
    auto stage = static_cast<RunStage>(s);
    EXPECT_NE(to_string(stage), "?") << s;
    EXPECT_TRUE(names.insert(to_string(stage)).second) << to_string(stage);
    EXPECT_EQ(parse_run_stage(to_string(stage)), stage);
  }
  EXPECT_FALSE(parse_run_stage("landed "));
}

TEST(StageSelection, EverySelectionHasOneName) {
  for (auto selection : {StageSelection::Export, StageSelection::Land, StageSelection::All}) {
    EXPECT_EQ(kStageSelectionNames.find(kStageSelectionNames.name(selection)), selection);
  }
}

}  // namespace
}  // namespace snaplake::pipeline
