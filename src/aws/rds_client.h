// A small Amazon RDS client for the rds engine (query protocol, API version 2014-10-31): the
// snapshots of an instance, snapshot export tasks (StartExportTask, DescribeExportTasks).
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/ — answers are XML:
//   <DescribeDBSnapshotsResponse><DescribeDBSnapshotsResult><Marker/><DBSnapshots><DBSnapshot>…
//   <DescribeExportTasksResponse><DescribeExportTasksResult><Marker/><ExportTasks><ExportTask>…
//   <StartExportTaskResponse><StartExportTaskResult>…(the task's fields)
// Errors are AwsError with RDS's code (DBSnapshotNotFound, ExportTaskAlreadyExists,
// ExportTaskNotFound, …) in one line.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"

namespace snaplake::aws {

struct AwsSession;

struct DbSnapshot {
  std::string identifier;     // DBSnapshotIdentifier
  std::string instance_id;    // DBInstanceIdentifier
  std::string arn;            // DBSnapshotArn
  std::string status;         // "available", "creating", …
  std::string create_time;    // SnapshotCreateTime, ISO-8601 ("" while creating)
  std::string snapshot_type;  // "manual", "automated", …
  int percent_progress = 0;
};

struct ExportTask {
  std::string identifier;  // ExportTaskIdentifier
  std::string source_arn;
  std::string status;  // STARTING, IN_PROGRESS, COMPLETE, CANCELING, CANCELED, FAILED
  std::string s3_bucket;
  std::string s3_prefix;
  std::string iam_role_arn;
  std::string kms_key_id;
  std::string snapshot_time;
  std::string failure_cause;
  std::string warning_message;
  int percent_progress = 0;
};

struct StartExportTaskRequest {
  std::string identifier;
  std::string source_arn;
  std::string s3_bucket;
  std::string s3_prefix;  // "" = none
  std::string iam_role_arn;
  std::string kms_key_id;
  std::vector<std::string> export_only;  // database[.schema[.table]]; empty = everything
};

class RdsClient {
 public:
  static constexpr std::string_view kApiVersion = "2014-10-31";

  RdsClient(std::shared_ptr<AwsClient> client, std::string endpoint)
      : client_(std::move(client)), endpoint_(std::move(endpoint)) {}
  static RdsClient from_session(const AwsSession& session);

  // One snapshot by its identifier; AwsError(NotFound, DBSnapshotNotFound) when there is none.
  DbSnapshot describe_snapshot(std::string_view snapshot_id) const;
  // Every snapshot of an instance, following Marker through all pages.
  std::vector<DbSnapshot> describe_instance_snapshots(std::string_view instance_id) const;

  // One Aurora DB cluster snapshot (DescribeDBClusterSnapshots), in the same shape: instance_id
  // holds the DBClusterIdentifier, arn the DBClusterSnapshotArn (a StartExportTask SourceArn).
  // AwsError(NotFound, DBClusterSnapshotNotFoundFault) when there is none.
  DbSnapshot describe_cluster_snapshot(std::string_view snapshot_id) const;
  // Every snapshot of an Aurora cluster (DescribeDBClusterSnapshots by DBClusterIdentifier, all
  // pages), as DbSnapshots with the cluster snapshot ARN.
  std::vector<DbSnapshot> describe_cluster_snapshots(std::string_view cluster_id) const;

  ExportTask start_export_task(const StartExportTaskRequest& request) const;
  // nullopt when RDS knows no such task (ExportTaskNotFound).
  std::optional<ExportTask> describe_export_task(std::string_view identifier) const;
  // Every task in one of `statuses` (lowercase filter values, "starting", "in_progress"), all
  // pages. Filtered again here by Status, in case a service ignores the filter.
  std::vector<ExportTask> describe_export_tasks_with_status(
      const std::vector<std::string>& statuses) const;

 private:
  std::string call(std::string_view action, const QueryParams& params, std::string_view what) const;

  std::shared_ptr<AwsClient> client_;
  std::string endpoint_;
};

// The parsers, exposed for tests. `marker` receives the answer's Marker ("" on the last page).
std::vector<DbSnapshot> parse_describe_db_snapshots(std::string_view xml, std::string* marker);
std::vector<DbSnapshot> parse_describe_db_cluster_snapshots(std::string_view xml,
                                                            std::string* marker);
std::vector<ExportTask> parse_describe_export_tasks(std::string_view xml, std::string* marker);
ExportTask parse_start_export_task(std::string_view xml);

// The query parameters of StartExportTask (exposed for tests).
QueryParams start_export_task_params(const StartExportTaskRequest& request);

}  // namespace snaplake::aws
