// The rds engine (PRODUCT.md, "The pipeline"; instances with engine = "rds"): RDS itself
// exports a snapshot to S3 (StartExportTask), and the land stage waits for that task
// (DescribeExportTasks) before landing what it wrote.
//
// Export stage: the snapshot the event names, else the instance's latest *available* snapshot
// (all pages of DescribeDBSnapshots). A snapshot still being created, or 5 RDS exports already
// STARTING or IN_PROGRESS in the account (RDS's quota), is Error(Conflict): the worker brings
// the event back later. The task id is the pipeline's deterministic export id, so a redelivered
// event finds ExportTaskAlreadyExists: that task is ours, carry on.
//
// Land stage: STARTING / IN_PROGRESS / CANCELING -> the message goes back on the tasks queue
// with a delay (growing with its poll count); COMPLETE -> land s3://<bucket>/<prefix>/<id>;
// FAILED / CANCELED, an unknown task, or too many polls -> an error that is not retried, so the
// message is dead-lettered with RDS's FailureCause.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "aws/rds_client.h"
#include "pipeline/config.h"
#include "pipeline/events.h"

namespace snaplake::pipeline {

// RDS allows at most five export tasks in progress per account.
constexpr size_t kMaxConcurrentRdsExports = 5;
// Polls before an unfinished export is given up (with the delays below, about two days).
constexpr int kMaxRdsExportPolls = 200;

// The instance's export bucket and prefix: export_bucket is "bucket" or "s3://bucket[/prefix]".
struct ExportBucket {
  std::string bucket;
  std::string prefix;  // no leading or trailing '/'; "" = none
};
ExportBucket parse_export_bucket(std::string_view text);

// The snapshot to export for an event: the one it names, else the instance's latest available.
aws::DbSnapshot choose_snapshot(const aws::RdsClient& rds, const InstanceConfig& instance,
                                const SnapshotEvent& event);

// Export stage: starts (or finds already started) the export task and returns the export-task
// message to send on the tasks queue.
TaskMessage start_rds_export(const aws::RdsClient& rds, const InstanceConfig& instance,
                             const SnapshotEvent& event, const std::string& export_id);

// Land stage: what to do with an RDS export task.
struct RdsTaskCheck {
  bool complete = false;
  std::string export_location;  // s3://bucket/prefix/id, when complete
  std::string status;           // RDS's Status
  int percent_progress = 0;
};
RdsTaskCheck check_rds_export(const aws::RdsClient& rds, const TaskMessage& task);

// How long to wait before polling an unfinished export again, after `polls` polls:
// 30 s doubling to at most 15 minutes (SQS's longest message delay).
std::chrono::milliseconds rds_poll_delay(int polls);

}  // namespace snaplake::pipeline
