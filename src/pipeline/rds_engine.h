// The rds engine (docs/messages.md; instances with engine = "rds"): RDS itself
// exports a snapshot to S3 (StartExportTask), and the land stage waits for that task
// (DescribeExportTasks) before landing what it wrote.
//
// Export stage: the snapshot the event names (DescribeDBSnapshots, or DescribeDBClusterSnapshots
// for an Aurora cluster snapshot event), else the instance's latest *available* snapshot
// (all pages of DescribeDBSnapshots). A snapshot still being created, or 5 RDS exports already
// STARTING or IN_PROGRESS in the account (RDS's quota), is RdsNotReady: the export stage waits
// (waits.h: the event goes back on its queue with a delay, up to [export] max_wait). The task id
// is the pipeline's deterministic export id, so a redelivered event finds
// ExportTaskAlreadyExists: that task is ours, carry on.
//
// Land stage: STARTING / IN_PROGRESS / CANCELING -> not complete: the message goes back on the
// tasks queue with a delay (waits.h, up to [landing] max_wait); COMPLETE -> land
// s3://<bucket>/<prefix>/<id>; FAILED / CANCELED or an unknown task -> an error that is not
// retried, so the message is dead-lettered with RDS's FailureCause.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "aws/rds_client.h"
#include "pipeline/config.h"
#include "pipeline/events.h"

namespace snaplake::pipeline {

// RDS allows at most five export tasks in progress per account.
constexpr size_t kMaxConcurrentRdsExports = 5;

// RDS is not ready to export yet (a snapshot being created, no free export slot); the reason
// names what is awaited: "RDS snapshot 'x' still creating (40%)".
struct RdsNotReady {
  std::string reason;
};

// The instance's export bucket and prefix: export_bucket is "bucket" or "s3://bucket[/prefix]".
struct ExportBucket {
  std::string bucket;
  std::string prefix;  // no leading or trailing '/'; "" = none
};
ExportBucket parse_export_bucket(std::string_view text);

// The snapshot to export for an event: the one it names, else the instance's latest available;
// RdsNotReady while the named one, or any of the instance's, is still being created.
std::variant<aws::DbSnapshot, RdsNotReady> choose_snapshot(const aws::RdsClient& rds,
                                                           const InstanceConfig& instance,
                                                           const SnapshotEvent& event);

// Export stage: starts (or finds already started) the export task and returns the export-task
// message to send on the tasks queue, or RdsNotReady when the export cannot start yet.
std::variant<TaskMessage, RdsNotReady> start_rds_export(const aws::RdsClient& rds,
                                                        const InstanceConfig& instance,
                                                        const SnapshotEvent& event,
                                                        const std::string& export_id);

// Land stage: what to do with an RDS export task.
struct RdsTaskCheck {
  bool complete = false;
  std::string export_location;  // s3://bucket/prefix/id, when complete
  std::string status;           // RDS's Status
  int percent_progress = 0;
};
RdsTaskCheck check_rds_export(const aws::RdsClient& rds, const TaskMessage& task);

}  // namespace snaplake::pipeline
