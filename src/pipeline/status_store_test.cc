#include "pipeline/status_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "pipeline/worker.h"

namespace snaplake::pipeline {
namespace {

TEST(StatusStore, FollowsARunThroughItsStages) {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("snaplake-status-{}", getpid());
  std::filesystem::remove_all(dir);
  std::chrono::system_clock::time_point now{std::chrono::seconds(1'700'000'000)};
  auto store = StatusStore::open((dir / "status.db").string(), [&] { return now; });

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
