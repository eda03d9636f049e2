// The RDS client against a recording fake server: the query parameters of each action (names
// as in the RDS API reference), XML answers parsed into fields, Marker pagination followed to
// the end, status filters, and RDS error codes as one-line AwsErrors.
#include "aws/rds_client.h"

#include <gtest/gtest.h>

#include <map>

#include "aws/fake_http_server_test_util.h"

namespace snaplake::aws {
namespace {

using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::RecordedRequest;

const RetryPolicy kFastRetry{2, std::chrono::milliseconds(1), std::chrono::milliseconds(2)};

std::map<std::string, std::string> form(const std::string& body) {
  return testing::form_fields(body);
}

CannedResponse xml(std::string body) {
  return {200, {{"Content-Type", "text/xml"}}, std::move(body)};
}

CannedResponse rds_error(int status, std::string code, std::string message) {
  return {status,
          {{"Content-Type", "text/xml"}},
          "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender"
          "</Type><Code>" +
              code + "</Code><Message>" + message +
              "</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"};
}

std::string snapshot_xml(const std::string& id, const std::string& status,
                         const std::string& time) {
  return "<DBSnapshot><DBSnapshotIdentifier>" + id +
         "</DBSnapshotIdentifier><DBInstanceIdentifier>social-care-db</DBInstanceIdentifier>"
         "<SnapshotCreateTime>" +
         time + "</SnapshotCreateTime><Engine>postgres</Engine><Status>" + status +
         "</Status><PercentProgress>" + (status == "available" ? "100" : "40") +
         "</PercentProgress><SnapshotType>manual</SnapshotType><DBSnapshotArn>"
         "arn:aws:rds:eu-west-2:123456789012:snapshot:" +
         id + "</DBSnapshotArn></DBSnapshot>";
}

std::string snapshots_page(const std::string& items, const std::string& marker) {
  return "<DescribeDBSnapshotsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
         "<DescribeDBSnapshotsResult>" +
         (marker.empty() ? std::string() : "<Marker>" + marker + "</Marker>") + "<DBSnapshots>" +
         items +
         "</DBSnapshots></DescribeDBSnapshotsResult><ResponseMetadata><RequestId>1</RequestId>"
         "</ResponseMetadata></DescribeDBSnapshotsResponse>";
}

std::string task_xml(const std::string& id, const std::string& status,
                     const std::string& cause = "") {
  return "<ExportTask><ExportTaskIdentifier>" + id +
         "</ExportTaskIdentifier><SourceArn>arn:aws:rds:eu-west-2:123456789012:snapshot:s1"
         "</SourceArn><Status>" +
         status +
         "</Status><S3Bucket>exports</S3Bucket><S3Prefix>rds/x</S3Prefix><PercentProgress>"
         "37</PercentProgress><IamRoleArn>arn:aws:iam::123456789012:role/export</IamRoleArn>"
         "<KmsKeyId>key-1</KmsKeyId>" +
         (cause.empty() ? std::string() : "<FailureCause>" + cause + "</FailureCause>") +
         "</ExportTask>";
}

std::string tasks_page(const std::string& items, const std::string& marker) {
  return "<DescribeExportTasksResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
         "<DescribeExportTasksResult>" +
         (marker.empty() ? std::string() : "<Marker>" + marker + "</Marker>") + "<ExportTasks>" +
         items + "</ExportTasks></DescribeExportTasksResult></DescribeExportTasksResponse>";
}

RdsClient client_for(const FakeHttpServer& server) {
  return RdsClient(std::make_shared<AwsClient>(HttpClient::create(),
                                               static_credentials({"AKIDTEST", "secret", "", {}}),
                                               "eu-west-2", kFastRetry),
                   server.url());
}

TEST(RdsClient, DescribesInstanceSnapshotsThroughEveryPage) {
  FakeHttpServer server([](const RecordedRequest& r) {
    auto f = form(r.body);
    if (!f.contains("Marker")) {
      return xml(snapshots_page(snapshot_xml("a", "available", "2026-11-24T01:00:00.000Z") +
                                    snapshot_xml("b", "creating", ""),
                                "page-2"));
    }
    return xml(snapshots_page(snapshot_xml("c", "available", "2026-11-25T01:00:00.000Z"), ""));
  });
  auto snapshots = client_for(server).describe_instance_snapshots("social-care-db");
  ASSERT_EQ(snapshots.size(), 3u);
  EXPECT_EQ(snapshots[0].identifier, "a");
  EXPECT_EQ(snapshots[0].instance_id, "social-care-db");
  EXPECT_EQ(snapshots[0].status, "available");
  EXPECT_EQ(snapshots[0].create_time, "2026-11-24T01:00:00.000Z");
  EXPECT_EQ(snapshots[0].arn, "arn:aws:rds:eu-west-2:123456789012:snapshot:a");
  EXPECT_EQ(snapshots[0].percent_progress, 100);
  EXPECT_EQ(snapshots[1].status, "creating");
  EXPECT_EQ(snapshots[1].percent_progress, 40);
  EXPECT_EQ(snapshots[2].identifier, "c");

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  auto first = form(requests[0].body);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(first["Action"], "DescribeDBSnapshots");
  EXPECT_EQ(first["Version"], "2014-10-31");
  EXPECT_EQ(first["DBInstanceIdentifier"], "social-care-db");
  EXPECT_FALSE(first.contains("Marker"));
  EXPECT_NE(requests[0].header("authorization").find("/eu-west-2/rds/aws4_request"),
            std::string::npos);
  auto second = form(requests[1].body);
  EXPECT_EQ(second["Marker"], "page-2");
  EXPECT_EQ(second["DBInstanceIdentifier"], "social-care-db");
}

TEST(RdsClient, DescribesOneSnapshotAndReportsAMissingOne) {
  FakeHttpServer server([](const RecordedRequest& r) {
    auto f = form(r.body);
    if (f["DBSnapshotIdentifier"] == "there") {
      return xml(snapshots_page(snapshot_xml("there", "available", "2026-11-25T01:00:00Z"), ""));
    }
    return rds_error(404, "DBSnapshotNotFound", "DBSnapshot gone not found.");
  });
  auto rds = client_for(server);
  EXPECT_EQ(rds.describe_snapshot("there").arn,
            "arn:aws:rds:eu-west-2:123456789012:snapshot:there");
  try {
    rds.describe_snapshot("gone");
    FAIL() << "expected an AwsError";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "DBSnapshotNotFound");
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    EXPECT_NE(what.find("gone"), std::string::npos) << what;
    EXPECT_NE(what.find("DBSnapshotNotFound"), std::string::npos) << what;
  }
}

TEST(RdsClient, DescribesOneClusterSnapshot) {
  // The shape of DescribeDBClusterSnapshots' answer (API reference, DBClusterSnapshot).
  FakeHttpServer server([](const RecordedRequest& r) {
    auto f = form(r.body);
    if (f["Action"] != "DescribeDBClusterSnapshots") return rds_error(400, "InvalidAction", "?");
    if (f["DBClusterSnapshotIdentifier"] != "aurora-1-manual") {
      return rds_error(404, "DBClusterSnapshotNotFoundFault", "DBClusterSnapshot not found.");
    }
    return xml(
        "<DescribeDBClusterSnapshotsResponse><DescribeDBClusterSnapshotsResult>"
        "<DBClusterSnapshots><DBClusterSnapshot>"
        "<DBClusterSnapshotIdentifier>aurora-1-manual</DBClusterSnapshotIdentifier>"
        "<DBClusterIdentifier>aurora-1</DBClusterIdentifier>"
        "<DBClusterSnapshotArn>arn:aws:rds:eu-west-2:123456789012:cluster-snapshot:aurora-1-manual"
        "</DBClusterSnapshotArn><Status>creating</Status><PercentProgress>40</PercentProgress>"
        "<SnapshotType>manual</SnapshotType>"
        "</DBClusterSnapshot></DBClusterSnapshots>"
        "</DescribeDBClusterSnapshotsResult></DescribeDBClusterSnapshotsResponse>");
  });
  auto rds = client_for(server);
  DbSnapshot s = rds.describe_cluster_snapshot("aurora-1-manual");
  EXPECT_EQ(s.identifier, "aurora-1-manual");
  EXPECT_EQ(s.instance_id, "aurora-1");
  EXPECT_EQ(s.arn, "arn:aws:rds:eu-west-2:123456789012:cluster-snapshot:aurora-1-manual");
  EXPECT_EQ(s.status, "creating");
  EXPECT_EQ(s.percent_progress, 40);
  EXPECT_EQ(s.snapshot_type, "manual");
  try {
    rds.describe_cluster_snapshot("gone");
    FAIL() << "expected an AwsError";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    EXPECT_EQ(e.code(), "DBClusterSnapshotNotFoundFault");
  }
}

TEST(RdsClient, StartsAnExportTaskWithEveryParameter) {
  FakeHttpServer server([](const RecordedRequest&) {
    return xml(
        "<StartExportTaskResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
        "<StartExportTaskResult><ExportTaskIdentifier>snap-1</ExportTaskIdentifier>"
        "<Status>STARTING</Status><S3Bucket>exports</S3Bucket><S3Prefix>rds</S3Prefix>"
        "<PercentProgress>0</PercentProgress></StartExportTaskResult>"
        "</StartExportTaskResponse>");
  });
  StartExportTaskRequest request{.identifier = "snap-1",
                                 .source_arn = "arn:aws:rds:eu-west-2:1:snapshot:s1",
                                 .s3_bucket = "exports",
                                 .s3_prefix = "rds",
                                 .iam_role_arn = "arn:aws:iam::1:role/export",
                                 .kms_key_id = "arn:aws:kms:eu-west-2:1:key/k",
                                 .export_only = {"social_care", "finance.public.ledger"}};
  ExportTask task = client_for(server).start_export_task(request);
  EXPECT_EQ(task.identifier, "snap-1");
  EXPECT_EQ(task.status, "STARTING");
  EXPECT_EQ(task.s3_prefix, "rds");

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  auto f = form(requests[0].body);
  EXPECT_EQ(f["Action"], "StartExportTask");
  EXPECT_EQ(f["Version"], "2014-10-31");
  EXPECT_EQ(f["ExportTaskIdentifier"], "snap-1");
  EXPECT_EQ(f["SourceArn"], "arn:aws:rds:eu-west-2:1:snapshot:s1");
  EXPECT_EQ(f["S3BucketName"], "exports");
  EXPECT_EQ(f["S3Prefix"], "rds");
  EXPECT_EQ(f["IamRoleArn"], "arn:aws:iam::1:role/export");
  EXPECT_EQ(f["KmsKeyId"], "arn:aws:kms:eu-west-2:1:key/k");
  EXPECT_EQ(f["ExportOnly.member.1"], "social_care");
  EXPECT_EQ(f["ExportOnly.member.2"], "finance.public.ledger");
  EXPECT_FALSE(f.contains("ExportOnly.member.3"));
}

TEST(RdsClient, NoPrefixOrExportOnlyWhenNotGiven) {
  auto params = start_export_task_params({.identifier = "x",
                                          .source_arn = "a",
                                          .s3_bucket = "b",
                                          .iam_role_arn = "r",
                                          .kms_key_id = "k"});
  for (const auto& [name, value] : params) {
    EXPECT_NE(name, "S3Prefix");
    EXPECT_FALSE(name.starts_with("ExportOnly")) << name;
  }
}

TEST(RdsClient, AnExistingTaskIsAnAwsErrorWithItsCode) {
  FakeHttpServer server([](const RecordedRequest&) {
    return rds_error(400, "ExportTaskAlreadyExists",
                     "Cannot start export task because a task with the identifier snap-1 "
                     "already exists.");
  });
  try {
    client_for(server).start_export_task({.identifier = "snap-1"});
    FAIL() << "expected an AwsError";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ExportTaskAlreadyExists");
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
  EXPECT_EQ(server.requests().size(), 1u);  // a 400 is never retried
}

TEST(RdsClient, DescribesOneExportTaskOrNoneWhenUnknown) {
  FakeHttpServer server([](const RecordedRequest& r) {
    auto f = form(r.body);
    if (f["ExportTaskIdentifier"] == "snap-1") {
      return xml(tasks_page(task_xml("snap-1", "FAILED", "The IAM role lacks s3:PutObject."), ""));
    }
    return rds_error(404, "ExportTaskNotFound", "Cannot find export task with identifier x.");
  });
  auto rds = client_for(server);
  auto task = rds.describe_export_task("snap-1");
  ASSERT_TRUE(task);
  EXPECT_EQ(task->status, "FAILED");
  EXPECT_EQ(task->failure_cause, "The IAM role lacks s3:PutObject.");
  EXPECT_EQ(task->s3_bucket, "exports");
  EXPECT_EQ(task->s3_prefix, "rds/x");
  EXPECT_EQ(task->iam_role_arn, "arn:aws:iam::123456789012:role/export");
  EXPECT_EQ(task->kms_key_id, "key-1");
  EXPECT_EQ(task->percent_progress, 37);
  EXPECT_FALSE(rds.describe_export_task("other"));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  auto f = form(requests[0].body);
  EXPECT_EQ(f["Action"], "DescribeExportTasks");
  EXPECT_EQ(f["ExportTaskIdentifier"], "snap-1");
}

TEST(RdsClient, ListsTasksByStatusWithFiltersAndPages) {
  FakeHttpServer server([](const RecordedRequest& r) {
    auto f = form(r.body);
    if (!f.contains("Marker")) {
      // A service that ignores the filter: the COMPLETE one must not be counted.
      return xml(tasks_page(task_xml("t1", "STARTING") + task_xml("t2", "COMPLETE"), "m-2"));
    }
    return xml(tasks_page(task_xml("t3", "IN_PROGRESS") + task_xml("t4", "FAILED"), ""));
  });
  auto tasks = client_for(server).describe_export_tasks_with_status({"starting", "in_progress"});
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].identifier, "t1");
  EXPECT_EQ(tasks[1].identifier, "t3");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  auto f = form(requests[0].body);
  EXPECT_EQ(f["Action"], "DescribeExportTasks");
  EXPECT_EQ(f["Filters.Filter.1.Name"], "status");
  EXPECT_EQ(f["Filters.Filter.1.Values.Value.1"], "starting");
  EXPECT_EQ(f["Filters.Filter.1.Values.Value.2"], "in_progress");
  EXPECT_EQ(form(requests[1].body)["Marker"], "m-2");
}

TEST(RdsClient, TaskStatusIsUpperCaseWhateverTheServiceSends) {
  // moto answers "complete"; RDS documents COMPLETE.
  auto tasks = parse_describe_export_tasks(tasks_page(task_xml("t", "complete"), ""), nullptr);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].status, "COMPLETE");
}

TEST(RdsClient, MalformedXmlIsAnError) {
  std::string marker;
  EXPECT_THROW(parse_describe_export_tasks("<DescribeExportTasksResponse><Desc", &marker), Error);
  EXPECT_TRUE(parse_describe_db_snapshots("<DescribeDBSnapshotsResponse/>", &marker).empty());
  EXPECT_EQ(marker, "");
}

}  // namespace
}  // namespace snaplake::aws
