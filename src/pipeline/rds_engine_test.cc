// The rds engine against a fake RDS (a recording HTTP server keeping snapshots and export tasks):
// which snapshot is exported, waiting while one is being created, the cap of five running
// exports, ExportTaskAlreadyExists as "ours", the task message, and the land stage's decisions
// (poll again, land, or dead-letter with RDS's FailureCause). Then the worker with the fake RDS
// and the embedded queue on a test clock: the waits (waits.h) re-send the message to its own
// queue with a delay, and give up after [export] / [landing] max_wait with a clear cause.
// (moto's snapshots are available at once and its export tasks complete at once, so these waits
// can only be exercised against a fake.)
#include "pipeline/rds_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>

#include "aws/fake_http_server_test_util.h"
#include "pipeline/failure_policy.h"
#include "pipeline/queues.h"
#include "pipeline/waits.h"
#include "pipeline/worker.h"

namespace snaplake::pipeline {
namespace {

using aws::testing::CannedResponse;
using aws::testing::FakeHttpServer;
using aws::testing::RecordedRequest;

std::map<std::string, std::string> form(const std::string& body) {
  return aws::testing::form_fields(body);
}

struct Snapshot {
  std::string id, status, time;
};
struct Task {
  std::string id, status, bucket, prefix, cause;
};

// A small stand-in for RDS: DescribeDBSnapshots (two snapshots a page), StartExportTask,
// DescribeExportTasks (by id, or everything: the filter is left to the client).
class FakeRds {
 public:
  FakeRds()
      : server_([this](const RecordedRequest& r) { return answer(r); }),
        rds_(std::make_shared<aws::AwsClient>(
                 aws::HttpClient::create(), aws::static_credentials({"AKID", "secret", "", {}}),
                 "eu-west-2",
                 aws::RetryPolicy{1, std::chrono::milliseconds(1), std::chrono::milliseconds(1)}),
             server_.url()) {}

  std::vector<Snapshot> snapshots;
  std::vector<Snapshot> cluster_snapshots;  // of the Aurora cluster "aurora"
  std::vector<Task> tasks;
  // Called before each answer (under the fake's lock) with the action and its parameters: a
  // test changes snapshots and tasks here as RDS would between calls.
  std::function<void(const std::string& action, std::map<std::string, std::string>& params)>
      before_answer;
  std::vector<std::map<std::string, std::string>> calls() {
    std::vector<std::map<std::string, std::string>> out;
    for (const auto& r : server_.requests()) out.push_back(form(r.body));
    return out;
  }
  std::vector<std::map<std::string, std::string>> calls_of(const std::string& action) {
    std::vector<std::map<std::string, std::string>> out;
    for (auto& c : calls()) {
      if (c["Action"] == action) out.push_back(c);
    }
    return out;
  }
  const aws::RdsClient& rds() const { return rds_; }

 private:
  static CannedResponse error(int status, const std::string& code) {
    return {status,
            {},
            "<ErrorResponse><Error><Code>" + code + "</Code><Message>" + code +
                "</Message></Error></ErrorResponse>"};
  }
  static std::string task_xml(const Task& t) {
    return "<ExportTask><ExportTaskIdentifier>" + t.id + "</ExportTaskIdentifier><Status>" +
           t.status + "</Status><S3Bucket>" + t.bucket + "</S3Bucket><S3Prefix>" + t.prefix +
           "</S3Prefix><FailureCause>" + t.cause + "</FailureCause></ExportTask>";
  }

  CannedResponse answer(const RecordedRequest& r) {
    std::lock_guard lock(mutex_);
    auto f = form(r.body);
    const std::string action = f["Action"];
    if (before_answer) before_answer(action, f);
    if (action == "DescribeDBSnapshots") {
      std::vector<Snapshot> matching;
      for (const auto& s : snapshots) {
        if (!f.contains("DBSnapshotIdentifier") || f["DBSnapshotIdentifier"] == s.id) {
          matching.push_back(s);
        }
      }
      if (f.contains("DBSnapshotIdentifier") && matching.empty()) {
        return error(404, "DBSnapshotNotFound");
      }
      size_t from = f.contains("Marker") ? std::stoul(f["Marker"]) : 0;
      std::string body = "<DescribeDBSnapshotsResponse><DescribeDBSnapshotsResult>";
      if (from + 2 < matching.size()) body += "<Marker>" + std::to_string(from + 2) + "</Marker>";
      body += "<DBSnapshots>";
      for (size_t i = from; i < std::min(from + 2, matching.size()); ++i) {
        const auto& s = matching[i];
        body += "<DBSnapshot><DBSnapshotIdentifier>" + s.id +
                "</DBSnapshotIdentifier><DBInstanceIdentifier>care</DBInstanceIdentifier>"
                "<Status>" +
                s.status + "</Status><SnapshotCreateTime>" + s.time +
                "</SnapshotCreateTime><DBSnapshotArn>arn:aws:rds:eu-west-2:1:snapshot:" + s.id +
                "</DBSnapshotArn></DBSnapshot>";
      }
      body += "</DBSnapshots></DescribeDBSnapshotsResult></DescribeDBSnapshotsResponse>";
      return {200, {}, body};
    }
    if (action == "DescribeDBClusterSnapshots") {
      // By snapshot id (404 when unknown), or every snapshot of a cluster (none unless
      // "aurora"), as RDS answers.
      const bool by_cluster = f.contains("DBClusterIdentifier");
      std::string body =
          "<DescribeDBClusterSnapshotsResponse><DescribeDBClusterSnapshotsResult>"
          "<DBClusterSnapshots>";
      bool found = false;
      for (const auto& s : cluster_snapshots) {
        if (by_cluster ? f["DBClusterIdentifier"] != "aurora"
                       : f["DBClusterSnapshotIdentifier"] != s.id)
          continue;
        found = true;
        body += "<DBClusterSnapshot><DBClusterSnapshotIdentifier>" + s.id +
                "</DBClusterSnapshotIdentifier><DBClusterIdentifier>aurora"
                "</DBClusterIdentifier><Status>" +
                s.status + "</Status><SnapshotCreateTime>" + s.time +
                "</SnapshotCreateTime><DBClusterSnapshotArn>arn:aws:rds:eu-west-2:1:cluster-"
                "snapshot:" +
                s.id + "</DBClusterSnapshotArn></DBClusterSnapshot>";
      }
      if (!found && !by_cluster) return error(404, "DBClusterSnapshotNotFoundFault");
      body +=
          "</DBClusterSnapshots></DescribeDBClusterSnapshotsResult>"
          "</DescribeDBClusterSnapshotsResponse>";
      return {200, {}, body};
    }
    if (action == "StartExportTask") {
      for (const auto& t : tasks) {
        if (t.id == f["ExportTaskIdentifier"]) return error(400, "ExportTaskAlreadyExists");
      }
      Task t{f["ExportTaskIdentifier"], "STARTING", f["S3BucketName"], f["S3Prefix"], ""};
      tasks.push_back(t);
      return {200,
              {},
              "<StartExportTaskResponse><StartExportTaskResult>" +
                  task_xml(t).substr(12, task_xml(t).size() - 12 - 13) +
                  "</StartExportTaskResult></StartExportTaskResponse>"};
    }
    if (action == "DescribeExportTasks") {
      std::string body = "<DescribeExportTasksResponse><DescribeExportTasksResult><ExportTasks>";
      bool found = false;
      for (const auto& t : tasks) {
        if (f.contains("ExportTaskIdentifier") && f["ExportTaskIdentifier"] != t.id) continue;
        found = true;
        body += task_xml(t);
      }
      if (f.contains("ExportTaskIdentifier") && !found) return error(404, "ExportTaskNotFound");
      body += "</ExportTasks></DescribeExportTasksResult></DescribeExportTasksResponse>";
      return {200, {}, body};
    }
    return error(400, "InvalidAction");
  }

  std::mutex mutex_;
  FakeHttpServer server_;
  aws::RdsClient rds_;
};

InstanceConfig care_instance() {
  InstanceConfig i;
  i.id = "care";
  i.engine = Engine::Rds;
  i.iam_role_arn = "arn:aws:iam::1:role/export";
  i.kms_key_id = "key-1";
  i.export_bucket = "s3://exports/rds/";
  i.databases = {"social_care"};
  return i;
}

SnapshotEvent instance_event() {
  SnapshotEvent e;
  e.source_type = "db-instance";
  e.source_id = "care";
  e.instance_id = "care";
  e.event_id = "RDS-EVENT-0002";
  e.event_time = "2026-11-25T09:14:03.511Z";
  return e;
}

// The task message of an export that started; fails the test when RDS was not ready.
TaskMessage started(const std::variant<TaskMessage, RdsNotReady>& result) {
  if (const auto* not_ready = std::get_if<RdsNotReady>(&result)) {
    ADD_FAILURE() << "not ready: " << not_ready->reason;
    return {};
  }
  return std::get<TaskMessage>(result);
}

// Why RDS was not ready; "" (and a test failure) when the export started.
std::string not_ready(const std::variant<TaskMessage, RdsNotReady>& result) {
  if (const auto* not_ready = std::get_if<RdsNotReady>(&result)) return not_ready->reason;
  ADD_FAILURE() << "expected RdsNotReady, the export started";
  return {};
}

ErrorKind kind_of(const std::function<void()>& action, std::string* what = nullptr) {
  try {
    action();
  } catch (const Error& e) {
    if (what) *what = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "expected an Error";
  return ErrorKind::Internal;
}

// Whether the worker (and the Lambda loop) would try the failure of `action` again: the one
// policy they use (failure_policy.h), on the very error thrown.
bool retried(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return retry_may_help(e);
  }
  ADD_FAILURE() << "expected an Error";
  return true;
}

TEST(RdsEngine, ExportBucketIsABucketOrAnS3Uri) {
  EXPECT_EQ(parse_export_bucket("exports").bucket, "exports");
  EXPECT_EQ(parse_export_bucket("exports").prefix, "");
  EXPECT_EQ(parse_export_bucket("s3://exports/a/b/").bucket, "exports");
  EXPECT_EQ(parse_export_bucket("s3://exports/a/b/").prefix, "a/b");
  EXPECT_EQ(parse_export_bucket("exports/a").prefix, "a");
  // One parser of s3:// (store::parse_s3_location): a bucket S3 would refuse is refused here.
  for (std::string_view bad : {"s3://Exports_1/a", "ab", "s3:///a"}) {
    std::string what;
    EXPECT_EQ(kind_of([&] { parse_export_bucket(bad); }, &what), ErrorKind::InvalidInput) << bad;
    EXPECT_THAT(what, ::testing::HasSubstr("invalid S3 location")) << bad;
  }
}

TEST(RdsEngine, ExportsTheLatestAvailableSnapshotOfTheInstanceAcrossPages) {
  FakeRds fake;
  fake.snapshots = {{"care-1", "available", "2026-11-20T01:00:00Z"},
                    {"care-3", "available", "2026-11-24T01:00:00Z"},
                    {"care-2", "available", "2026-11-22T01:00:00Z"},
                    {"care-0", "failed", "2026-11-25T01:00:00Z"},
                    {"care-4", "available", "2026-11-25T00:30:00Z"}};  // on the third page
  TaskMessage task =
      started(start_rds_export(fake.rds(), care_instance(), instance_event(), "care-exp-1"));
  EXPECT_EQ(task.snapshot_id, "care-4");
  EXPECT_EQ(task.export_task_identifier, "care-exp-1");
  EXPECT_EQ(task.export_bucket, "exports");
  EXPECT_EQ(task.engine, Engine::Rds);
  EXPECT_EQ(task.instance_id, "care");
  EXPECT_EQ(task.export_location, "s3://exports/rds/care-exp-1");
  EXPECT_EQ(task.source_arn, "arn:aws:rds:eu-west-2:1:snapshot:care-4");
  EXPECT_EQ(fake.calls_of("DescribeDBSnapshots").size(), 3u);
  auto starts = fake.calls_of("StartExportTask");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0]["SourceArn"], "arn:aws:rds:eu-west-2:1:snapshot:care-4");
  EXPECT_EQ(starts[0]["S3BucketName"], "exports");
  EXPECT_EQ(starts[0]["S3Prefix"], "rds");
  EXPECT_EQ(starts[0]["IamRoleArn"], "arn:aws:iam::1:role/export");
  EXPECT_EQ(starts[0]["KmsKeyId"], "key-1");
  EXPECT_EQ(starts[0]["ExportOnly.member.1"], "social_care");

  // The message round-trips with the reference's fields.
  TaskMessage back = parse_task_message(to_json(task));
  EXPECT_EQ(back.export_task_identifier, "care-exp-1");
  EXPECT_EQ(back.export_bucket, "exports");
}

TEST(RdsEngine, TheNamedSnapshotIsExportedAndWaitedForWhileCreating) {
  FakeRds fake;
  fake.snapshots = {{"care-manual", "creating", ""}, {"care-old", "available", "2026-11-01"}};
  SnapshotEvent event = instance_event();
  event.snapshot_id = "care-manual";
  EXPECT_EQ(not_ready(start_rds_export(fake.rds(), care_instance(), event, "e1")),
            "RDS snapshot 'care-manual' still creating (0%)");
  EXPECT_TRUE(fake.calls_of("StartExportTask").empty());

  fake.snapshots[0].status = "available";
  TaskMessage task = started(start_rds_export(fake.rds(), care_instance(), event, "e1"));
  EXPECT_EQ(task.snapshot_id, "care-manual");

  event.snapshot_id = "deleted-one";
  EXPECT_EQ(kind_of([&] { start_rds_export(fake.rds(), care_instance(), event, "e2"); }),
            ErrorKind::NotFound);

  // A snapshot that will not become available by waiting is not waited for.
  fake.snapshots[0].status = "deleting";
  event.snapshot_id = "care-manual";
  std::string what;
  kind_of([&] { start_rds_export(fake.rds(), care_instance(), event, "e3"); }, &what);
  EXPECT_FALSE(retried([&] { start_rds_export(fake.rds(), care_instance(), event, "e3"); }));
  EXPECT_NE(what.find("'care-manual' is deleting"), std::string::npos) << what;
}

TEST(RdsEngine, WaitsWhileTheInstanceHasASnapshotBeingCreated) {
  FakeRds fake;
  fake.snapshots = {{"care-1", "available", "2026-11-20"}, {"care-2", "creating", ""}};
  EXPECT_EQ(not_ready(start_rds_export(fake.rds(), care_instance(), instance_event(), "e")),
            "RDS snapshot 'care-2' of instance 'care' still creating (0%)");
  fake.snapshots.clear();
  EXPECT_EQ(kind_of([&] { start_rds_export(fake.rds(), care_instance(), instance_event(), "e"); }),
            ErrorKind::NotFound);
  EXPECT_TRUE(fake.calls_of("StartExportTask").empty());
}

TEST(RdsEngine, AnAuroraClusterSnapshotIsExportedByItsClusterSnapshotArn) {
  FakeRds fake;
  fake.snapshots = {{"aurora-manual-1", "available", "2026-11-20"}};  // not a cluster snapshot
  fake.cluster_snapshots = {{"aurora-manual-1", "creating", ""}};
  InstanceConfig aurora = care_instance();
  aurora.id = "aurora";
  SnapshotEvent event;
  event.source_type = "db-cluster-snapshot";
  event.source_id = event.snapshot_id = "aurora-manual-1";
  event.cluster = true;
  event.event_id = "RDS-EVENT-0075";
  event.event_time = "2026-11-25T09:14:03.511Z";
  EXPECT_EQ(not_ready(start_rds_export(fake.rds(), aurora, event, "a1")),
            "RDS snapshot 'aurora-manual-1' still creating (0%)");

  fake.cluster_snapshots[0].status = "available";
  TaskMessage task = started(start_rds_export(fake.rds(), aurora, event, "a1"));
  EXPECT_EQ(task.snapshot_id, "aurora-manual-1");
  EXPECT_EQ(task.source_arn, "arn:aws:rds:eu-west-2:1:cluster-snapshot:aurora-manual-1");
  auto starts = fake.calls_of("StartExportTask");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0]["SourceArn"], "arn:aws:rds:eu-west-2:1:cluster-snapshot:aurora-manual-1");
  EXPECT_TRUE(fake.calls_of("DescribeDBSnapshots").empty());

  event.snapshot_id = "aurora-gone";
  EXPECT_EQ(kind_of([&] { start_rds_export(fake.rds(), aurora, event, "a2"); }),
            ErrorKind::NotFound);
}

TEST(RdsEngine, AnAuroraClusterConfiguredByItsIdExportsItsLatestClusterSnapshot) {
  // `snaplake snapshot aurora` names no snapshot: an id without instance snapshots is looked
  // up as a cluster.
  FakeRds fake;
  fake.cluster_snapshots = {{"aurora-1", "available", "2026-11-20T00:00:00Z"},
                            {"aurora-2", "creating", ""}};
  InstanceConfig aurora = care_instance();
  aurora.id = "aurora";
  SnapshotEvent event = instance_event();
  event.instance_id = "aurora";
  EXPECT_EQ(not_ready(start_rds_export(fake.rds(), aurora, event, "a1")),
            "RDS snapshot 'aurora-2' of cluster 'aurora' still creating (0%)");
  fake.cluster_snapshots[1] = {"aurora-2", "available", "2026-11-24T00:00:00Z"};
  TaskMessage task = started(start_rds_export(fake.rds(), aurora, event, "a1"));
  EXPECT_EQ(task.snapshot_id, "aurora-2");
  auto starts = fake.calls_of("StartExportTask");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0]["SourceArn"], "arn:aws:rds:eu-west-2:1:cluster-snapshot:aurora-2");

  // Neither instance nor cluster snapshots: NotFound, naming both.
  InstanceConfig nothing = care_instance();
  nothing.id = "nothing";
  event.instance_id = "nothing";
  std::string what;
  EXPECT_EQ(kind_of([&] { start_rds_export(fake.rds(), nothing, event, "n1"); }, &what),
            ErrorKind::NotFound);
  EXPECT_NE(what.find("RDS instance or Aurora cluster 'nothing' has no available snapshot"),
            std::string::npos)
      << what;
}

TEST(RdsEngine, AtMostFiveExportsRunAtOnce) {
  FakeRds fake;
  fake.snapshots = {{"care-1", "available", "2026-11-20"}};
  for (int i = 0; i < 3; ++i)
    fake.tasks.push_back({"s" + std::to_string(i), "STARTING", "b", "", ""});
  fake.tasks.push_back({"p0", "IN_PROGRESS", "b", "", ""});
  fake.tasks.push_back({"p1", "IN_PROGRESS", "b", "", ""});
  fake.tasks.push_back({"done", "COMPLETE", "b", "", ""});
  EXPECT_EQ(not_ready(start_rds_export(fake.rds(), care_instance(), instance_event(), "e")),
            "5 RDS exports still STARTING or IN_PROGRESS (RDS runs at most 5 at once)");
  EXPECT_TRUE(fake.calls_of("StartExportTask").empty());
  auto listed = fake.calls_of("DescribeExportTasks");
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed.back()["Filters.Filter.1.Name"], "status");

  fake.tasks[4].status = "COMPLETE";  // four running: one more may start
  started(start_rds_export(fake.rds(), care_instance(), instance_event(), "e"));
  EXPECT_EQ(fake.calls_of("StartExportTask").size(), 1u);
}

TEST(RdsEngine, AnExistingTaskOfTheSameIdIsOurs) {
  FakeRds fake;
  fake.snapshots = {{"care-1", "available", "2026-11-20"}};
  TaskMessage first =
      started(start_rds_export(fake.rds(), care_instance(), instance_event(), "e1"));
  // Redelivered: found by DescribeExportTasks, not started again, the same message.
  TaskMessage again =
      started(start_rds_export(fake.rds(), care_instance(), instance_event(), "e1"));
  EXPECT_EQ(to_json(first), to_json(again));
  EXPECT_EQ(fake.calls_of("StartExportTask").size(), 1u);
  EXPECT_EQ(fake.tasks.size(), 1u);
}

TEST(RdsEngine, LandStageWaitsLandsOrDeadLetters) {
  FakeRds fake;
  fake.tasks = {{"e1", "IN_PROGRESS", "exports", "rds/", ""}};
  TaskMessage task;
  task.export_task_identifier = "e1";
  task.export_bucket = "exports";
  RdsTaskCheck check = check_rds_export(fake.rds(), task);
  EXPECT_FALSE(check.complete);
  EXPECT_EQ(check.status, "IN_PROGRESS");

  fake.tasks[0].status = "COMPLETE";
  check = check_rds_export(fake.rds(), task);
  EXPECT_TRUE(check.complete);
  EXPECT_EQ(check.export_location, "s3://exports/rds/e1");

  fake.tasks[0].status = "FAILED";
  fake.tasks[0].cause = "The KMS key is disabled.";
  std::string what;
  // An ended export is a source failure (exit 4, as `land` says it), and never retried.
  EXPECT_EQ(kind_of([&] { check_rds_export(fake.rds(), task); }, &what), ErrorKind::Source);
  EXPECT_FALSE(retried([&] { check_rds_export(fake.rds(), task); }));
  EXPECT_NE(what.find("FAILED: The KMS key is disabled."), std::string::npos) << what;

  fake.tasks[0].status = "CANCELED";
  EXPECT_FALSE(retried([&] { check_rds_export(fake.rds(), task); }));

  task.export_task_identifier = "unknown";
  EXPECT_EQ(kind_of([&] { check_rds_export(fake.rds(), task); }), ErrorKind::NotFound);
}

// The worker, the embedded queue and a clock that moves only when the test moves it.
class RdsWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("snaplake-rds-worker-{}-{}", getpid(), counter++);
    std::filesystem::remove_all(dir_);
    configure("");
    engines_.run_export = [](const exporter::ExportOptions&) -> exporter::ExportResult {
      fail(ErrorKind::Internal, "the native engine must not run for engine = \"rds\"");
    };
    engines_.land = [this](const landing::LandOptions& o) {
      lands_.push_back(o);
      landing::LandResult r;
      r.outcome = landing::TableOutcome::Landed;
      r.tables.resize(1);
      r.tables[0].rows = 7;
      r.rows = 7;
      return r;
    };
    engines_.rds = [this](const Config&) { return fake_.rds(); };
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The configuration, with `extra` TOML (e.g. "[export]\nmax_wait = \"2m\"") added.
  void configure(const std::string& extra) {
    config_ = parse_config(R"(
[queue]
max_receives = 3
visibility_timeout = "1h"
[[instances]]
id = "care"
engine = "rds"
iam_role_arn = "arn:aws:iam::1:role/export"
kms_key_id = "key-1"
export_bucket = "s3://exports/rds/"
)" + extra,
                           (dir_ / "snaplake.toml").string(), dir_,
                           [](std::string_view) { return std::nullopt; });
  }

  queue::Clock clock() {
    return [now = now_] {
      return std::chrono::system_clock::time_point(std::chrono::milliseconds(now->load()));
    };
  }
  void advance(std::chrono::milliseconds by) { *now_ += by.count(); }

  std::unique_ptr<Worker> worker() {
    return Worker::open(config_, engines_, {.stages = StageSelection::All, .clock = clock()});
  }
  std::unique_ptr<queue::Queue> events() { return open_queue(config_, QueueRole::Events, nullptr, clock()); }
  std::unique_ptr<queue::Queue> tasks() { return open_queue(config_, QueueRole::Tasks, nullptr, clock()); }
  std::unique_ptr<StatusStore> status() {
    return StatusStore::open(config_, nullptr, clock());
  }

  // Serves both queues until both are empty, moving the clock on whenever nothing is visible.
  void serve_all(Worker& w) {
    for (int round = 0; round < 1000; ++round) {
      bool served = w.serve_once(QueueRole::Tasks, {});
      served |= w.serve_once(QueueRole::Events, {});
      if (served) continue;
      if (events()->counts().pending() + tasks()->counts().pending() == 0) return;
      advance(std::chrono::minutes(1));
    }
    FAIL() << "the queues never emptied";
  }

  int count_of(const std::string& action) {
    return static_cast<int>(fake_.calls_of(action).size());
  }

  std::filesystem::path dir_;
  Config config_;
  Engines engines_;
  FakeRds fake_;
  std::vector<landing::LandOptions> lands_;
  // Milliseconds since the epoch: 2026-01-01T00:00:00Z, then as the test moves it.
  std::shared_ptr<std::atomic<int64_t>> now_ =
      std::make_shared<std::atomic<int64_t>>(int64_t{1767225600} * 1000);
};

TEST_F(RdsWorkerTest, AnEventWaitsOnItsQueueWhileTheSnapshotIsCreatedThenExportsAndLands) {
  fake_.snapshots = {{"care-old", "available", "2026-11-01T00:00:00Z"},
                     {"care-manual", "creating", ""}};
  events()->send(snaplake_event_json("care", "2026-11-25T09:14:03Z", "care-manual"));
  auto w = worker();

  // First check: still creating. The event is back on its queue, delayed; the original is gone.
  ASSERT_TRUE(w->serve_once(QueueRole::Events, {}));
  auto counts = events()->counts();
  EXPECT_EQ(counts.delayed, 1u);
  EXPECT_EQ(counts.visible + counts.in_flight + counts.dead, 0u);
  EXPECT_EQ(count_of("StartExportTask"), 0);
  auto runs = status()->recent_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].stage, RunStage::Pending);
  EXPECT_EQ(runs[0].attempts, 1);
  auto notes = status()->recent_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].outcome, "waiting");
  EXPECT_THAT(notes[0].detail, ::testing::HasSubstr("RDS snapshot 'care-manual' still creating"));

  // Not visible before its delay (30 s on the first check), visible after.
  EXPECT_FALSE(w->serve_once(QueueRole::Events, {}));
  advance(std::chrono::seconds(29));
  EXPECT_FALSE(w->serve_once(QueueRole::Events, {}));
  advance(std::chrono::seconds(2));
  ASSERT_TRUE(w->serve_once(QueueRole::Events, {}));  // second check: still creating
  EXPECT_EQ(events()->counts().delayed, 1u);
  EXPECT_EQ(count_of("DescribeDBSnapshots"), 2);

  // The snapshot becomes available: the export starts on the next check, once.
  fake_.snapshots[1] = {"care-manual", "available", "2026-11-25T09:20:00Z"};
  advance(std::chrono::minutes(1));
  ASSERT_TRUE(w->serve_once(QueueRole::Events, {}));
  EXPECT_EQ(events()->counts().pending(), 0u);
  auto starts = fake_.calls_of("StartExportTask");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0]["SourceArn"], "arn:aws:rds:eu-west-2:1:snapshot:care-manual");
  EXPECT_EQ(tasks()->counts().visible, 1u);

  // The land stage waits for the export task the same way, then lands it.
  ASSERT_TRUE(w->serve_once(QueueRole::Tasks, {}));
  EXPECT_EQ(tasks()->counts().delayed, 1u);
  EXPECT_TRUE(lands_.empty());
  EXPECT_EQ(status()->recent_runs()[0].stage, RunStage::Waiting);
  fake_.tasks[0].status = "COMPLETE";
  advance(std::chrono::seconds(31));
  ASSERT_TRUE(w->serve_once(QueueRole::Tasks, {}));
  ASSERT_EQ(lands_.size(), 1u);
  const std::string export_id = fake_.tasks[0].id;
  EXPECT_EQ(lands_[0].export_location, "s3://exports/rds/" + export_id);
  auto run = status()->run(export_id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->stage, RunStage::Landed);
  EXPECT_EQ(run->snapshot_id, "care-manual");
  EXPECT_EQ(run->attempts, 1);  // checks while waiting are not attempts
  EXPECT_EQ(w->counts().dead_lettered, 0u);
  EXPECT_EQ(w->counts().retried, 0u);
  EXPECT_EQ(events()->counts().pending() + tasks()->counts().pending(), 0u);
}

TEST_F(RdsWorkerTest, AnEventWaitsForAFreeExportSlot) {
  fake_.snapshots = {{"care-1", "available", "2026-11-20T00:00:00Z"}};
  for (int i = 0; i < 5; ++i) {
    fake_.tasks.push_back(
        {"other-" + std::to_string(i), i < 2 ? "STARTING" : "IN_PROGRESS", "b", "", ""});
  }
  // One of the five finishes after the third look at the running exports; ours completes as
  // soon as it is started.
  int looks = 0;
  fake_.before_answer = [&](const std::string& action, std::map<std::string, std::string>& f) {
    if (action == "DescribeExportTasks" && f.contains("Filters.Filter.1.Name") && ++looks == 3) {
      fake_.tasks[4].status = "COMPLETE";
    }
    for (auto& t : fake_.tasks) {
      if (!t.id.starts_with("other-")) t.status = "COMPLETE";
    }
  };
  events()->send(snaplake_event_json("care", "2026-11-25T09:14:03Z"));
  auto w = worker();
  serve_all(*w);
  EXPECT_EQ(looks, 3);
  EXPECT_EQ(count_of("StartExportTask"), 1);
  EXPECT_EQ(w->counts().dead_lettered, 0u);
  ASSERT_EQ(lands_.size(), 1u);
  auto runs = status()->recent_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].stage, RunStage::Landed);
  EXPECT_EQ(runs[0].snapshot_id, "care-1");
}

TEST_F(RdsWorkerTest, ASnapshotStillCreatingAfterMaxWaitIsDeadLetteredWithTheCause) {
  configure("[export]\nmax_wait = \"2m\"\n");
  fake_.snapshots = {{"care-1", "available", "2026-11-20T00:00:00Z"}, {"care-2", "creating", ""}};
  events()->send(snaplake_event_json("care", "2026-11-25T09:14:03Z"));
  auto w = worker();
  serve_all(*w);
  // Checks after 0 s, 30 s, 90 s and 210 s: the fourth finds 2 minutes passed and gives up.
  EXPECT_EQ(count_of("DescribeDBSnapshots"), 4);
  EXPECT_EQ(count_of("StartExportTask"), 0);
  EXPECT_EQ(w->counts().dead_lettered, 1u);
  EXPECT_EQ(w->counts().retried, 0u);
  auto dead = events()->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_THAT(dead[0].cause,
              ::testing::HasSubstr("RDS snapshot 'care-2' of instance 'care' still creating (0%) "
                                   "after 4 checks over 4m: giving up"));
  // The dead letter holds the event as it first came, unwrapped: a redrive waits afresh.
  EXPECT_EQ(dead[0].body, snaplake_event_json("care", "2026-11-25T09:14:03Z"));
  auto runs = status()->recent_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].stage, RunStage::DeadLettered);
  EXPECT_THAT(runs[0].error, ::testing::HasSubstr("still creating"));
}

TEST_F(RdsWorkerTest, AnExportTaskStillRunningAfterMaxWaitIsDeadLetteredWithTheCause) {
  configure("[landing]\nmax_wait = \"1m\"\n");
  fake_.tasks = {{"care-export-1", "IN_PROGRESS", "exports", "rds", ""}};
  tasks()->send(R"({"ExportTaskIdentifier":"care-export-1","ExportBucket":"exports"})");
  auto w = worker();
  serve_all(*w);
  EXPECT_EQ(count_of("DescribeExportTasks"), 3);  // after 0 s, 30 s, 90 s
  EXPECT_TRUE(lands_.empty());
  auto dead = tasks()->dead_letters();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].cause,
            "conflict: RDS export task 'care-export-1' still IN_PROGRESS (0%) after 3 checks over "
            "2m: giving up");
  // As first received, without the poll count: a redrive waits afresh.
  EXPECT_EQ(parse_task_message(dead[0].body).polls, 0);
  EXPECT_EQ(parse_task_message(dead[0].body).export_task_identifier, "care-export-1");
  EXPECT_EQ(w->counts().retried, 0u);
}

}  // namespace
}  // namespace snaplake::pipeline
