// The rds engine against a fake RDS (a recording HTTP server keeping snapshots and export tasks):
// which snapshot is exported, waiting while one is being created, the cap of five running
// exports, ExportTaskAlreadyExists as "ours", the task message, and the land stage's decisions
// (poll again, land, or dead-letter with RDS's FailureCause).
#include "pipeline/rds_engine.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "aws/fake_http_server_test_util.h"

namespace snaplake::pipeline {
namespace {

using aws::testing::CannedResponse;
using aws::testing::FakeHttpServer;
using aws::testing::RecordedRequest;

std::map<std::string, std::string> form(const std::string& body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string_view pair = std::string_view(body).substr(start, end - start);
    size_t eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
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
  std::vector<Task> tasks;
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
    const std::string& action = f["Action"];
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
  i.engine = "rds";
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

TEST(RdsEngine, ExportBucketIsABucketOrAnS3Uri) {
  EXPECT_EQ(parse_export_bucket("exports").bucket, "exports");
  EXPECT_EQ(parse_export_bucket("exports").prefix, "");
  EXPECT_EQ(parse_export_bucket("s3://exports/a/b/").bucket, "exports");
  EXPECT_EQ(parse_export_bucket("s3://exports/a/b/").prefix, "a/b");
}

TEST(RdsEngine, ExportsTheLatestAvailableSnapshotOfTheInstanceAcrossPages) {
  FakeRds fake;
  fake.snapshots = {{"care-1", "available", "2026-11-20T01:00:00Z"},
                    {"care-3", "available", "2026-11-24T01:00:00Z"},
                    {"care-2", "available", "2026-11-22T01:00:00Z"},
                    {"care-0", "failed", "2026-11-25T01:00:00Z"},
                    {"care-4", "available", "2026-11-25T00:30:00Z"}};  // on the third page
  TaskMessage task = start_rds_export(fake.rds(), care_instance(), instance_event(), "care-exp-1");
  EXPECT_EQ(task.snapshot_id, "care-4");
  EXPECT_EQ(task.export_task_identifier, "care-exp-1");
  EXPECT_EQ(task.export_bucket, "exports");
  EXPECT_EQ(task.engine, "rds");
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
  std::string what;
  EXPECT_EQ(kind_of([&] { start_rds_export(fake.rds(), care_instance(), event, "e1"); }, &what),
            ErrorKind::Conflict);
  EXPECT_NE(what.find("care-manual"), std::string::npos) << what;
  EXPECT_TRUE(fake.calls_of("StartExportTask").empty());

  fake.snapshots[0].status = "available";
  TaskMessage task = start_rds_export(fake.rds(), care_instance(), event, "e1");
  EXPECT_EQ(task.snapshot_id, "care-manual");

  event.snapshot_id = "deleted-one";
  EXPECT_EQ(kind_of([&] { start_rds_export(fake.rds(), care_instance(), event, "e2"); }),
            ErrorKind::NotFound);
}

TEST(RdsEngine, WaitsWhileTheInstanceHasASnapshotBeingCreated) {
  FakeRds fake;
  fake.snapshots = {{"care-1", "available", "2026-11-20"}, {"care-2", "creating", ""}};
  EXPECT_EQ(kind_of([&] { start_rds_export(fake.rds(), care_instance(), instance_event(), "e"); }),
            ErrorKind::Conflict);
  fake.snapshots.clear();
  EXPECT_EQ(kind_of([&] { start_rds_export(fake.rds(), care_instance(), instance_event(), "e"); }),
            ErrorKind::NotFound);
  EXPECT_TRUE(fake.calls_of("StartExportTask").empty());
}

TEST(RdsEngine, AtMostFiveExportsRunAtOnce) {
  FakeRds fake;
  fake.snapshots = {{"care-1", "available", "2026-11-20"}};
  for (int i = 0; i < 3; ++i)
    fake.tasks.push_back({"s" + std::to_string(i), "STARTING", "b", "", ""});
  fake.tasks.push_back({"p0", "IN_PROGRESS", "b", "", ""});
  fake.tasks.push_back({"p1", "IN_PROGRESS", "b", "", ""});
  fake.tasks.push_back({"done", "COMPLETE", "b", "", ""});
  std::string what;
  EXPECT_EQ(
      kind_of([&] { start_rds_export(fake.rds(), care_instance(), instance_event(), "e"); }, &what),
      ErrorKind::Conflict);
  EXPECT_NE(what.find("5 RDS exports"), std::string::npos) << what;
  EXPECT_TRUE(fake.calls_of("StartExportTask").empty());
  auto listed = fake.calls_of("DescribeExportTasks");
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed.back()["Filters.Filter.1.Name"], "status");

  fake.tasks[4].status = "COMPLETE";  // four running: one more may start
  start_rds_export(fake.rds(), care_instance(), instance_event(), "e");
  EXPECT_EQ(fake.calls_of("StartExportTask").size(), 1u);
}

TEST(RdsEngine, AnExistingTaskOfTheSameIdIsOurs) {
  FakeRds fake;
  fake.snapshots = {{"care-1", "available", "2026-11-20"}};
  TaskMessage first = start_rds_export(fake.rds(), care_instance(), instance_event(), "e1");
  // Redelivered: found by DescribeExportTasks, not started again, the same message.
  TaskMessage again = start_rds_export(fake.rds(), care_instance(), instance_event(), "e1");
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

  task.polls = kMaxRdsExportPolls;
  EXPECT_EQ(kind_of([&] { check_rds_export(fake.rds(), task); }), ErrorKind::InvalidInput);
  task.polls = 0;

  fake.tasks[0].status = "COMPLETE";
  check = check_rds_export(fake.rds(), task);
  EXPECT_TRUE(check.complete);
  EXPECT_EQ(check.export_location, "s3://exports/rds/e1");

  fake.tasks[0].status = "FAILED";
  fake.tasks[0].cause = "The KMS key is disabled.";
  std::string what;
  ErrorKind kind = kind_of([&] { check_rds_export(fake.rds(), task); }, &what);
  EXPECT_FALSE(Error(kind, "").retryable());
  EXPECT_NE(what.find("FAILED: The KMS key is disabled."), std::string::npos) << what;

  fake.tasks[0].status = "CANCELED";
  EXPECT_FALSE(Error(kind_of([&] { check_rds_export(fake.rds(), task); }), "").retryable());

  task.export_task_identifier = "unknown";
  EXPECT_EQ(kind_of([&] { check_rds_export(fake.rds(), task); }), ErrorKind::NotFound);
}

TEST(RdsEngine, PollDelayGrowsToFifteenMinutes) {
  EXPECT_EQ(rds_poll_delay(0), std::chrono::seconds(30));
  EXPECT_EQ(rds_poll_delay(1), std::chrono::seconds(60));
  EXPECT_EQ(rds_poll_delay(3), std::chrono::seconds(240));
  EXPECT_EQ(rds_poll_delay(10), std::chrono::minutes(15));
  EXPECT_EQ(rds_poll_delay(kMaxRdsExportPolls), std::chrono::minutes(15));
}

}  // namespace
}  // namespace snaplake::pipeline
