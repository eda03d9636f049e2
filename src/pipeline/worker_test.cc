// The worker loop with stand-in engines: what happens to each kind of message, without a
// database. The real engines are exercised end to end in tests/e2e/pipeline_*.test.mjs.
#include "pipeline/worker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "commit/lease.h"
#include "common/error.h"
#include "pipeline/events.h"

namespace snaplake::pipeline {
namespace {

using ::testing::HasSubstr;

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("snaplake-worker-{}-{}", getpid(), counter++);
    std::filesystem::remove_all(dir_);
    config_ = parse_config(R"(
[queue]
max_receives = 3
visibility_timeout = "30s"
[[instances]]
id = "social-care-db"
source = "postgresql://postgres@127.0.0.1/social_care"
)",
                           (dir_ / "snaplake.toml").string(), dir_,
                           [](std::string_view) { return std::nullopt; });
    engines_.run_export = [this](const exporter::ExportOptions& o) {
      std::lock_guard lock(mutex_);
      exports_.push_back(o);
      if (export_failures_ > 0) {
        --export_failures_;
        fail(export_failure_kind_, "cannot connect to '{}': connection refused", o.source_uri);
      }
      exporter::ExportResult r;
      r.export_id = o.export_id;
      r.export_root = o.to + "/" + o.export_id;
      r.tables.resize(2);
      r.rows = 10;
      r.bytes = 100;
      return r;
    };
    engines_.land = [this](const landing::LandOptions& o) {
      std::lock_guard lock(mutex_);
      lands_.push_back(o);
      landing::LandResult r;
      r.outcome = landing::TableOutcome::Landed;
      r.tables.resize(2);
      r.tables[0].rows = 4;
      r.tables[1].rows = 6;
      r.rows = 10;
      return r;
    };
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Worker> worker(StageSelection stages = StageSelection::All) {
    return Worker::open(config_, engines_,
                        {.stages = stages,
                         .drain = true,
                         .idle_wait = std::chrono::milliseconds(10),
                         .retry_delay = std::chrono::milliseconds(0)});
  }
  std::unique_ptr<queue::Queue> events() { return open_queue(config_, QueueRole::Events, nullptr); }
  std::unique_ptr<queue::Queue> tasks() { return open_queue(config_, QueueRole::Tasks, nullptr); }
  std::unique_ptr<StatusStore> status() { return StatusStore::open(config_, nullptr); }

  // An RDS event notification `age` ago, its time as RDS writes it ("2026-11-25 09:14:03.511").
  std::string rds_event(std::string source_id, std::string code = "RDS-EVENT-0091",
                        std::chrono::milliseconds age = std::chrono::minutes(5)) {
    std::string time = iso8601(wall_now() - age);  // …T09:14:03.511Z
    time[10] = ' ';
    time.pop_back();
    nlohmann::json message = {
        {"Event Source", "db-snapshot"},
        {"Event Time", time},
        {"Source ARN", "arn:aws:rds:eu-west-2:123456789012:snapshot:" + source_id},
        {"Source ID", source_id},
        {"Event ID",
         "http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#" + code},
        {"Event Message", "Automated snapshot created"}};
    return nlohmann::json{{"Type", "Notification"}, {"Message", message.dump()}}.dump();
  }

  std::filesystem::path dir_;
  Config config_;
  Engines engines_;
  std::mutex mutex_;
  std::vector<exporter::ExportOptions> exports_;
  std::vector<landing::LandOptions> lands_;
  int export_failures_ = 0;
  ErrorKind export_failure_kind_ = ErrorKind::Source;
};

TEST_F(WorkerTest, AnEventIsExportedThenLanded) {
  events()->send(rds_event("rds:social-care-db-2021-11-07-17-40"));
  auto counts = worker()->run();
  EXPECT_EQ(counts.done, 2u);
  ASSERT_EQ(exports_.size(), 1u);
  ASSERT_EQ(lands_.size(), 1u);
  const auto& e = exports_[0];
  EXPECT_EQ(e.source_uri, "postgresql://postgres@127.0.0.1/social_care");
  EXPECT_EQ(e.to, (dir_ / "exports").string());
  EXPECT_THAT(e.export_id, HasSubstr("social-care-db-"));
  // The export records the snapshot and the event it stands for (export_info's
  // snaplake.sourceSnapshot), beside the time its data is read.
  EXPECT_EQ(e.source_snapshot.snapshot_id, "rds:social-care-db-2021-11-07-17-40");
  EXPECT_FALSE(e.source_snapshot.event_time.empty());
  EXPECT_EQ(e.source_arn, "arn:aws:rds:eu-west-2:123456789012:snapshot:rds:social-care-db-2021-11-07-17-40");
  EXPECT_EQ(lands_[0].import_date, "");
  EXPECT_EQ(lands_[0].import_date_rule, landing::ImportDateRule::SnapshotTime);
  EXPECT_EQ(lands_[0].catalog.glue_database, "");
  EXPECT_EQ(lands_[0].export_location, (dir_ / "exports").string() + "/" + e.export_id);
  EXPECT_EQ(lands_[0].to, (dir_ / "landing").string());
  EXPECT_EQ(lands_[0].service_area, "unrestricted");
  auto run = status()->run(e.export_id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->stage, RunStage::Landed);
  EXPECT_EQ(run->rows, 10u);
  EXPECT_EQ(events()->counts().pending() + tasks()->counts().pending(), 0u);
}

// The configuration's codec and profile reach the export as they are (a string copy of the
// codec names in the stage once turned anything it did not know into snappy).
TEST_F(WorkerTest, TheConfiguredCodecAndProfileReachTheExport) {
  for (auto codec : {parquet::Codec::Uncompressed, parquet::Codec::Gzip, parquet::Codec::Zstd}) {
    config_.export_.compression = codec;
    config_.export_.types = types::Profile::Typed;
    exports_.clear();
    events()->send(snaplake_event_json(
        "social-care-db",
        iso8601(wall_now() - std::chrono::seconds(static_cast<int>(codec)))));
    worker()->run();
    ASSERT_EQ(exports_.size(), 1u);
    EXPECT_EQ(exports_[0].codec, codec);
    EXPECT_EQ(exports_[0].types, types::Profile::Typed);
  }
}

TEST_F(WorkerTest, ARedeliveredEventIsNotExportedTwice) {
  events()->send(rds_event("rds:social-care-db-2021-11-07-17-40"));
  events()->send(rds_event("rds:social-care-db-2021-11-07-17-40"));
  worker()->run();
  EXPECT_EQ(exports_.size(), 1u);
  EXPECT_EQ(lands_.size(), 1u);
}

// The native engine exports the database as it is now: a (redelivered, replayed) event older
// than [export] max_event_age is dropped with a note, not exported as that snapshot; with 0 there
// is no limit.
TEST_F(WorkerTest, AnEventOlderThanMaxEventAgeIsDroppedNotExported) {
  events()->send(rds_event("rds:social-care-db-2020-01-05-03-10", "RDS-EVENT-0091",
                           std::chrono::hours(25)));
  auto counts = worker()->run();
  EXPECT_EQ(counts.done, 1u);
  EXPECT_EQ(counts.dead_lettered, 0u);
  EXPECT_TRUE(exports_.empty());
  EXPECT_TRUE(status()->recent_runs().empty());
  auto notes = status()->recent_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].outcome, "dropped");
  EXPECT_THAT(notes[0].detail, HasSubstr("older than [export] max_event_age 24h"));
  EXPECT_THAT(notes[0].detail, HasSubstr("rds:social-care-db-2020-01-05-03-10"));

  config_.export_.max_event_age = std::chrono::milliseconds(0);
  events()->send(rds_event("rds:social-care-db-2020-01-05-03-10", "RDS-EVENT-0091",
                           std::chrono::hours(25)));
  worker()->run();
  EXPECT_EQ(exports_.size(), 1u);
}

// A backdated run's date (snaplake's own event's import_date) travels in the task message to the
// landing; the configured date rule and catalog reach it too.
TEST_F(WorkerTest, TheImportDateOfTheEventAndTheCatalogReachTheLanding) {
  config_.landing.import_date_from = landing::ImportDateRule::SnapshotId;
  config_.catalog.glue_database = "raw_zone";
  config_.catalog.table_name = "{database}_{table}";
  events()->send(snaplake_event_json("social-care-db", iso8601(wall_now()), "",
                                     "20240315"));
  worker()->run();
  ASSERT_EQ(lands_.size(), 1u);
  EXPECT_EQ(lands_[0].import_date, "20240315");
  EXPECT_EQ(lands_[0].import_date_rule, landing::ImportDateRule::SnapshotId);
  EXPECT_EQ(lands_[0].catalog.glue_database, "raw_zone");
  EXPECT_EQ(lands_[0].catalog.table_name, "{database}_{table}");
}

TEST_F(WorkerTest, MalformedMessagesAreDeadLetteredWithTheirCause) {
  events()->send("{\"Type\":\"Notification\",\"Message\":\"{\\\"Event Sou");
  tasks()->send("{\"ExportBucket\":\"b\"}");
  auto counts = worker()->run();
  EXPECT_EQ(counts.dead_lettered, 2u);
  auto dead_events = events()->dead_letters();
  ASSERT_EQ(dead_events.size(), 1u);
  EXPECT_THAT(dead_events[0].cause, HasSubstr("invalid input: malformed message"));
  auto dead_tasks = tasks()->dead_letters();
  ASSERT_EQ(dead_tasks.size(), 1u);
  EXPECT_THAT(dead_tasks[0].cause, HasSubstr("ExportTaskIdentifier"));
  auto notes = status()->recent_notes();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].outcome, "dead-lettered");
  EXPECT_TRUE(exports_.empty());
}

TEST_F(WorkerTest, UnknownInstancesAndNonEventsAreDroppedNotDeadLettered) {
  events()->send(rds_event("rds:payroll-db-2021-11-07-17-40"));
  events()->send(nlohmann::json{{"Type", "Notification"},
                                {"Message",
                                 "This is a message to notify that RDS will attempt to "
                                 "send you event notifications"}}
                     .dump());
  auto counts = worker()->run();
  EXPECT_EQ(counts.done, 2u);
  EXPECT_EQ(counts.dead_lettered, 0u);
  EXPECT_TRUE(exports_.empty());
  EXPECT_TRUE(events()->dead_letters().empty());
  auto notes = status()->recent_notes();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[1].outcome, "dropped");
  EXPECT_THAT(notes[1].detail, HasSubstr("payroll-db"));
  EXPECT_EQ(notes[0].outcome, "ignored");
}

TEST_F(WorkerTest, ARetryableFailureIsRetriedThenSucceeds) {
  export_failures_ = 2;
  events()->send(rds_event("rds:social-care-db-2021-11-07-17-40"));
  auto counts = worker()->run();
  EXPECT_EQ(counts.retried, 2u);
  EXPECT_EQ(exports_.size(), 3u);
  EXPECT_EQ(lands_.size(), 1u);
  auto run = status()->run(exports_[0].export_id);
  EXPECT_EQ(run->stage, RunStage::Landed);
  EXPECT_EQ(run->attempts, 3);
}

TEST_F(WorkerTest, RetriesAreBoundedByMaxReceives) {
  export_failures_ = 100;
  events()->send(rds_event("rds:social-care-db-2021-11-07-17-40"));
  auto counts = worker()->run();
  EXPECT_EQ(exports_.size(), 3u);  // max_receives = 3
  EXPECT_EQ(counts.dead_lettered, 1u);
  auto dead = events()->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_THAT(dead[0].cause,
              HasSubstr("gave up after 3 attempts: source database: cannot connect"));
  // The run ends where its message did, with the cause.
  auto run = status()->run(exports_[0].export_id);
  EXPECT_EQ(run->stage, RunStage::DeadLettered);
  EXPECT_THAT(run->error, HasSubstr("gave up after 3 attempts"));
  EXPECT_THAT(run->error, HasSubstr("connection refused"));
}

TEST_F(WorkerTest, AFailureRetryingCannotHelpIsDeadLetteredAtOnce) {
  export_failures_ = 1;
  export_failure_kind_ = ErrorKind::Auth;
  events()->send(rds_event("rds:social-care-db-2021-11-07-17-40"));
  auto counts = worker()->run();
  EXPECT_EQ(exports_.size(), 1u);
  EXPECT_EQ(counts.dead_lettered, 1u);
}

TEST_F(WorkerTest, StagesCanRunSeparately) {
  events()->send(rds_event("rds:social-care-db-2021-11-07-17-40"));
  worker(StageSelection::Export)->run();
  EXPECT_EQ(exports_.size(), 1u);
  EXPECT_TRUE(lands_.empty());
  EXPECT_EQ(tasks()->counts().visible, 1u);
  worker(StageSelection::Land)->run();
  EXPECT_EQ(lands_.size(), 1u);
}

TEST_F(WorkerTest, ManyWorkersShareTheQueuesWithoutDuplicates) {
  for (int i = 0; i < 12; ++i) {
    events()->send(snaplake_event_json(
        "social-care-db", iso8601(wall_now() - std::chrono::seconds(i))));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([this] { worker()->run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(exports_.size(), 12u);
  EXPECT_EQ(lands_.size(), 12u);
  std::set<std::string> ids;
  for (const auto& e : exports_) ids.insert(e.export_id);
  EXPECT_EQ(ids.size(), 12u);
}

}  // namespace
}  // namespace snaplake::pipeline
