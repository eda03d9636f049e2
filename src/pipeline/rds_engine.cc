#include "pipeline/rds_engine.h"

#include <algorithm>

#include "common/error.h"
#include "common/log.h"
#include "rds_export/documents.h"
#include "store/s3_store.h"

namespace snaplake::pipeline {
namespace {

std::string trim_slashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

bool is_running(std::string_view status) {
  return status == "STARTING" || status == "IN_PROGRESS" || status == "CANCELING";
}

// A snapshot in one of these states becomes available by itself: wait for it.
bool becomes_available(std::string_view status) {
  return status == "creating" || status == "copying";
}

// Where RDS writes the export `id`: s3://<bucket>[/<prefix>]/<id>.
std::string export_location(const ExportBucket& where, std::string_view id) {
  return where.prefix.empty() ? fmt::format("s3://{}/{}", where.bucket, id)
                              : fmt::format("s3://{}/{}/{}", where.bucket, where.prefix, id);
}

}  // namespace

ExportBucket parse_export_bucket(std::string_view text) {
  auto [bucket, prefix] = store::parse_s3_location(
      text.starts_with("s3://") ? std::string(text) : "s3://" + std::string(text));
  return {std::move(bucket), std::move(prefix)};
}

std::variant<aws::DbSnapshot, RdsNotReady> choose_snapshot(const aws::RdsClient& rds,
                                                           const InstanceConfig& instance,
                                                           const SnapshotEvent& event) {
  if (!event.snapshot_id.empty()) {
    // An Aurora cluster snapshot is looked up as one; its ARN is StartExportTask's SourceArn all
    // the same.
    aws::DbSnapshot snapshot = event.cluster ? rds.describe_cluster_snapshot(event.snapshot_id)
                                             : rds.describe_snapshot(event.snapshot_id);
    if (becomes_available(snapshot.status)) {
      return RdsNotReady{fmt::format("RDS snapshot '{}' still {} ({}%)", snapshot.identifier,
                                     snapshot.status, snapshot.percent_progress)};
    }
    if (snapshot.status != "available") {
      // Deleting, failed, …: waiting will not make it available.
      fail(ErrorKind::NotFound, "RDS snapshot '{}' is {}, not available to export",
           snapshot.identifier, snapshot.status);
    }
    return snapshot;
  }
  std::vector<aws::DbSnapshot> snapshots = rds.describe_instance_snapshots(instance.id);
  const char* kind = "instance";
  if (snapshots.empty()) {
    // No instance of that id has snapshots: an Aurora cluster configured by its cluster id
    // (its snapshots are the cluster's; an event without a snapshot id, e.g. from `snaplake
    // snapshot`, names only the id).
    snapshots = rds.describe_cluster_snapshots(instance.id);
    kind = "cluster";
  }
  const aws::DbSnapshot* latest = nullptr;
  for (const auto& s : snapshots) {
    if (becomes_available(s.status)) {
      return RdsNotReady{fmt::format("RDS snapshot '{}' of {} '{}' still {} ({}%)", s.identifier,
                                     kind, instance.id, s.status, s.percent_progress)};
    }
    if (s.status != "available") continue;
    if (!latest || s.create_time > latest->create_time ||
        (s.create_time == latest->create_time && s.identifier > latest->identifier)) {
      latest = &s;
    }
  }
  if (!latest) {
    fail(ErrorKind::NotFound,
         "RDS instance or Aurora cluster '{}' has no available snapshot ({} snapshots listed)",
         instance.id, snapshots.size());
  }
  return *latest;
}

std::variant<TaskMessage, RdsNotReady> start_rds_export(const aws::RdsClient& rds,
                                                        const InstanceConfig& instance,
                                                        const SnapshotEvent& event,
                                                        const std::string& export_id) {
  auto chosen = choose_snapshot(rds, instance, event);
  if (auto* not_ready = std::get_if<RdsNotReady>(&chosen)) return std::move(*not_ready);
  const aws::DbSnapshot& snapshot = std::get<aws::DbSnapshot>(chosen);
  ExportBucket bucket = parse_export_bucket(instance.export_bucket);

  aws::StartExportTaskRequest request;
  request.identifier = export_id;
  request.source_arn = snapshot.arn;
  request.s3_bucket = bucket.bucket;
  request.s3_prefix = bucket.prefix;
  request.iam_role_arn = instance.iam_role_arn;
  request.kms_key_id = instance.kms_key_id;
  request.export_only = instance.databases;

  // A redelivered event: the task was started by an earlier attempt with this very id.
  auto existing = rds.describe_export_task(export_id);
  if (existing) {
    log::info("RDS export task {} already exists ({}): carrying on", export_id, existing->status);
  } else {
    auto running = rds.describe_export_tasks_with_status({"starting", "in_progress"});
    if (running.size() >= kMaxConcurrentRdsExports) {
      return RdsNotReady{
          fmt::format("{} RDS exports still STARTING or IN_PROGRESS (RDS runs at most {} at once)",
                      running.size(), kMaxConcurrentRdsExports)};
    }
    try {
      aws::ExportTask started = rds.start_export_task(request);
      log::info("started RDS export task {} of snapshot {} to s3://{}/{} ({})", export_id,
                snapshot.identifier, bucket.bucket, bucket.prefix, started.status);
    } catch (const aws::AwsError& e) {
      // Started by another worker between our look and our start: it is ours all the same.
      if (e.code() != "ExportTaskAlreadyExists" && e.code() != "ExportTaskAlreadyExistsFault") {
        throw;
      }
      log::info("RDS export task {} already exists: carrying on", export_id);
    }
  }

  TaskMessage task;
  task.export_task_identifier = export_id;
  task.export_bucket = bucket.bucket;
  task.engine = Engine::Rds;
  task.instance_id = instance.id;
  task.snapshot_id = snapshot.identifier;
  task.export_location = export_location(bucket, export_id);
  task.source_arn = snapshot.arn;
  task.event_time = event.event_time;
  return task;
}

RdsTaskCheck check_rds_export(const aws::RdsClient& rds, const TaskMessage& task) {
  const std::string& id = task.export_task_identifier;
  std::optional<aws::ExportTask> found = rds.describe_export_task(id);
  if (!found) fail(ErrorKind::NotFound, "RDS export task '{}' does not exist", id);
  RdsTaskCheck check;
  check.status = found->status;
  check.percent_progress = found->percent_progress;
  if (found->status == "COMPLETE") {
    std::string bucket = found->s3_bucket.empty() ? task.export_bucket : found->s3_bucket;
    if (bucket.starts_with("s3://")) bucket = parse_export_bucket(bucket).bucket;
    check.complete = true;
    check.export_location = export_location({bucket, trim_slashes(found->s3_prefix)}, id);
    return check;
  }
  if (found->status == "FAILED" || found->status == "CANCELED") {
    // An ended export (Error(Source), exit 4, as a landing says it): not retried, the message
    // goes to the dead-letter queue with RDS's cause (failure_policy.h).
    throw rds_export::ExportEnded(fmt::format(
        "RDS export task '{}' ended {}: {}", id, found->status,
        found->failure_cause.empty() ? "(no FailureCause given)" : found->failure_cause));
  }
  if (!is_running(found->status)) {
    fail(ErrorKind::Unsupported, "RDS export task '{}' has an unknown status \"{}\"", id,
         found->status);
  }
  return check;
}

}  // namespace snaplake::pipeline
