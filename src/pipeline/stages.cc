#include "pipeline/stages.h"

#include "aws/session.h"
#include "commit/claim.h"
#include "common/error.h"
#include "common/log.h"
#include "pipeline/events.h"
#include "pipeline/lambda_budget.h"
#include "pipeline/rds_engine.h"
#include "pipeline/run_metrics.h"
#include "pipeline/source_login.h"
#include "pipeline/waits.h"
#include "rds_export/documents.h"
#include "store/s3_store.h"

namespace snaplake::pipeline {
namespace {

// ExportBucket of the task message: the bucket of an s3:// export root, else the root itself.
std::string export_bucket_of(const std::string& root) {
  if (root.starts_with("s3://")) return store::parse_s3_location(root).first;
  return root;
}

std::string join_location(const std::string& root, const std::string& id) {
  if (root.empty() || root.back() == '/') return root + id;
  return root + "/" + id;
}

// Runs `work`; on failure records the cause against the export and lets the error go on.
template <typename Work>
auto recording_failure(StatusStore& status, const std::string& export_id, Work&& work) {
  try {
    return work();
  } catch (const std::exception& e) {
    record_failure(status, export_id, e);
    throw;
  }
}

// The RDS client of the rds engine, with the [aws] settings of the configuration.
aws::RdsClient rds_client(const StageContext& context) {
  if (context.engines.rds) return context.engines.rds(context.config);
  if (!context.aws) fail(ErrorKind::Internal, "the rds engine needs the process's AWS session");
  return aws::RdsClient::from_session(*context.aws);
}

// A message that waits for RDS: where it goes back, as what, and why.
struct RdsWait {
  queue::Queue* queue = nullptr;  // the stage's own queue
  std::string body;               // the message to send again, carrying `checks`
  std::string first_body;         // the message as first received: kept if the wait ends
  int checks = 0;                 // checks made, this one included
  WaitSchedule schedule;
  std::string reason;  // "RDS snapshot 'x' still creating (40%)"
  RunStage stage = RunStage::Waiting;
};

// Sends the message again with a delay (waits.h) and records why in the status store and the
// log; without the queue (a context that has none), Error(Conflict) for the caller's retries.
void wait_for_rds(StageContext& context, const RdsWait& wait, const std::string& export_id,
                  std::string_view queue_name, const queue::Message& message) {
  if (!wait.queue) fail(ErrorKind::Conflict, "{}: try later", wait.reason);
  auto delay =
      wait_again(*wait.queue, wait.body, wait.first_body, wait.checks, wait.schedule, wait.reason);
  std::string detail = fmt::format("{} (check {}): checking again in {}", wait.reason, wait.checks,
                                   describe_duration(delay));
  context.status.update({.export_id = export_id, .stage = wait.stage});
  context.status.note(queue_name, message.id, "waiting", detail);
  log::info("{}", detail);
}

// An event whose export id another worker is writing right now (a duplicated delivery: SQS's
// at-least-once, or an SNS and an EventBridge event for one snapshot): it goes back on its queue
// with a delay, for as long as that attempt lives. The run's stage is the other worker's
// business; only a note is written.
void wait_for_claim(StageContext& context, const WaitingMessage& received,
                    const commit::ClaimBusy& busy, std::string_view queue_name,
                    const queue::Message& message) {
  if (!context.events) throw busy;  // no queue to wait on: the message comes back by itself
  int checks = received.checks + 1;
  auto delay =
      wait_again(*context.events, wrap_waiting_message(received.body, checks), received.body,
                 checks, claim_wait_schedule(context.config.export_.lease), busy.what());
  std::string detail = fmt::format("{} (check {}): checking again in {}", busy.what(), checks,
                                   describe_duration(delay));
  context.status.note(queue_name, message.id, "waiting", detail);
  log::info("{}", detail);
}

// Export stage, engine "rds": RDS exports the snapshot itself; the task message goes on. While
// RDS is not ready (the snapshot is being created, five exports run), the event waits on its
// queue (waits.h).
void export_with_rds(StageContext& context, const InstanceConfig& instance,
                     const SnapshotEvent& event, const std::string& export_id,
                     const WaitingMessage& received, std::string_view queue_name,
                     const queue::Message& message) {
  log::info("exporting instance {} ({} {}) with RDS as {}", instance.id, event.event_id,
            event.snapshot_id.empty() ? event.event_time : event.snapshot_id, export_id);
  auto started = start_rds_export(rds_client(context), instance, event, export_id);
  if (const auto* not_ready = std::get_if<RdsNotReady>(&started)) {
    int checks = received.checks + 1;
    wait_for_rds(context,
                 {.queue = context.events,
                  .body = wrap_waiting_message(received.body, checks),
                  .first_body = received.body,
                  .checks = checks,
                  .schedule = export_wait_schedule(context.config.export_.max_wait),
                  .reason = not_ready->reason,
                  .stage = RunStage::Pending},
                 export_id, queue_name, message);
    return;
  }
  const TaskMessage& task = std::get<TaskMessage>(started);
  context.tasks->send(to_json(task));
  context.status.update({.export_id = export_id,
                         .snapshot_id = task.snapshot_id,
                         .stage = RunStage::Exported,
                         .export_location = task.export_location});
}

// The native engine reads the database as it is now: an event older than [export]
// max_event_age is not exported as if it were its snapshot. The reason, or nullopt to export.
std::optional<std::string> too_old_to_export(const Config& config, const SnapshotEvent& event) {
  if (config.export_.max_event_age.count() <= 0 || event.event_time.empty()) return std::nullopt;
  auto time = rds_export::parse_timestamp(event.event_time);
  if (!time) return std::nullopt;  // the event's own parser let it through: not ours to judge
  auto age = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now() - *time);
  if (age <= config.export_.max_event_age) return std::nullopt;
  return fmt::format(
      "{} of {} at {} is {} old, older than [export] max_event_age {}: the database is no "
      "longer as it was then, so it is not exported as that snapshot",
      event.event_id, event.snapshot_id.empty() ? event.instance_id : event.snapshot_id,
      event.event_time, describe_duration(age), describe_duration(config.export_.max_event_age));
}

}  // namespace

const InstanceConfig* resolve_instance(const Config& config, const SnapshotEvent& event) {
  if (!event.instance_id.empty()) return config.find_instance(event.instance_id);
  const InstanceConfig* best = nullptr;
  for (const auto& instance : config.instances) {
    if (event.snapshot_id.starts_with(instance.id + "-") &&
        (!best || instance.id.size() > best->id.size())) {
      best = &instance;
    }
  }
  return best;
}

void handle_event(StageContext& context, const queue::Message& message,
                  std::string_view queue_name) {
  // An event re-sent while waiting for RDS comes in snaplake's wrapper with its check count.
  WaitingMessage received = unwrap_waiting_message(message.body);
  ParsedEvent parsed = parse_event(received.body);
  if (const auto* ignored = std::get_if<IgnoredEvent>(&parsed)) {
    log::info("ignoring message {}: {}", message.id, ignored->reason);
    context.status.note(queue_name, message.id, "ignored", ignored->reason);
    return;
  }
  const auto& event = std::get<SnapshotEvent>(parsed);
  const InstanceConfig* instance = resolve_instance(context.config, event);
  if (!instance) {
    std::string who = event.instance_id.empty()
                          ? fmt::format("snapshot '{}' of an instance", event.snapshot_id)
                          : fmt::format("instance '{}'", event.instance_id);
    std::string reason = fmt::format("{} {} not in {}", event.event_id, who, context.config.file);
    log::info("dropping message {}: {}", message.id, reason);
    context.status.note(queue_name, message.id, "dropped", reason);
    return;
  }

  if (instance->engine != Engine::Rds) {
    if (auto stale = too_old_to_export(context.config, event)) {
      log::info("dropping message {}: {}", message.id, *stale);
      context.status.note(queue_name, message.id, "dropped", *stale);
      return;
    }
  }

  const std::string export_id = export_id_for(instance->id, event);
  context.export_id = export_id;
  log::Scope scope("export_id", export_id);
  if (auto run = context.status.run(export_id);
      run && (run->stage == RunStage::Exported || run->stage == RunStage::Waiting ||
              run->stage == RunStage::Landing || run->stage == RunStage::Landed ||
              run->stage == RunStage::Superseded)) {
    // Redelivered after its export-task message was sent: nothing more to do.
    log::info("export {} of instance {} is already {}; nothing to do", export_id, instance->id,
              to_string(run->stage));
    return;
  }
  context.status.update({.export_id = export_id,
                         .instance_id = instance->id,
                         .snapshot_id = event.snapshot_id,
                         .event_id = event.event_id,
                         .event_time = event.event_time,
                         .stage = RunStage::Exporting,
                         // A check while waiting for RDS is not another attempt at the export.
                         .new_attempt = received.checks == 0,
                         .message_id = message.id});

  recording_failure(context.status, export_id, [&] {
    if (instance->engine == Engine::Rds) {
      export_with_rds(context, *instance, event, export_id, received, queue_name, message);
      return;
    }
    log::info("exporting instance {} ({} {}) as {}", instance->id, event.event_id,
              event.snapshot_id.empty() ? event.event_time : event.snapshot_id, export_id);
    exporter::ExportOptions options = export_options(context.config, *instance);
    options.export_id = export_id;
    options.source_arn = event.source_arn;
    options.source_snapshot = {.snapshot_id = event.snapshot_id, .event_time = event.event_time};
    options.lease = context.config.export_.lease;
    options.aws = context.aws;
    options.login = source_login(*instance, context.aws);
    // A redelivered or duplicated event whose export is COMPLETE: keep it, send the task again
    // (the landing of an export already landed changes nothing).
    options.if_complete = exporter::IfComplete::Keep;
    if (context.deadline && context.engines.estimate_export_bytes) {
      auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
          *context.deadline - std::chrono::system_clock::now());
      require_time_for_export(instance->id, context.engines.estimate_export_bytes(options),
                              context.config.export_.lambda_mb_per_second, remaining);
    }
    exporter::ExportResult result;
    try {
      result = context.engines.run_export(options);
    } catch (const commit::ClaimBusy& busy) {
      return wait_for_claim(context, received, busy, queue_name, message);
    }
    if (result.kept) log::info("export {} is COMPLETE already: sending its task again", export_id);

    TaskMessage task;
    task.export_task_identifier = export_id;
    task.export_bucket = export_bucket_of(context.config.export_.to);
    task.engine = instance->engine;  // postgres or mysql: a native export
    task.instance_id = instance->id;
    task.snapshot_id = event.snapshot_id;
    task.export_location = result.export_root.empty()
                               ? join_location(context.config.export_.to, export_id)
                               : result.export_root;
    task.source_arn = event.source_arn;
    task.event_time = event.event_time;
    task.import_date = event.import_date;
    // Send first, then record: a crash in between re-exports (replacing the same keys) and
    // sends again, and landing the same export twice changes nothing.
    context.tasks->send(to_json(task));
    context.status.update({.export_id = export_id,
                           .stage = RunStage::Exported,
                           .tables = result.tables.size(),
                           .rows = result.rows,
                           .bytes = result.bytes,
                           .export_location = task.export_location});
    record_export(context.metrics, result.rows, result.bytes);
    log::info("exported {} tables, {} rows, {} bytes in {:.2f}s", result.tables.size(), result.rows,
              result.bytes, result.seconds);
  });
}

void handle_task(StageContext& context, const queue::Message& message,
                 std::string_view queue_name) {
  TaskMessage task = parse_task_message(message.body);
  const std::string& export_id = task.export_task_identifier;
  context.export_id = export_id;
  log::Scope scope("export_id", export_id);
  context.status.update({.export_id = export_id,
                         .instance_id = task.instance_id,
                         .snapshot_id = task.snapshot_id,
                         .event_time = task.event_time,
                         .stage = RunStage::Landing,
                         .export_location = task.export_location,
                         .message_id = message.id});
  recording_failure(context.status, export_id, [&] {
    if (task.engine == Engine::Rds) {
      // An RDS export (or the reference's message, which names no engine): land it once RDS
      // says COMPLETE; until then the message waits on its queue (waits.h).
      RdsTaskCheck check = check_rds_export(rds_client(context), task);
      if (!check.complete) {
        TaskMessage again = task, first = task;
        again.polls = task.polls + 1;
        first.polls = 0;
        wait_for_rds(context,
                     {.queue = context.tasks,
                      .body = to_json(again),
                      .first_body = to_json(first),
                      .checks = again.polls,
                      .schedule = export_task_wait_schedule(context.config.landing.max_wait),
                      .reason = fmt::format("RDS export task '{}' still {} ({}%)", export_id,
                                            check.status, check.percent_progress),
                      .stage = RunStage::Waiting},
                     export_id, queue_name, message);
        return;
      }
      task.export_location = check.export_location;
    }
    landing::LandOptions options;
    options.export_location = task.export_location;
    options.to = context.config.landing.to;
    options.service_area = context.config.landing.service_area;
    options.kms_key_id = context.config.landing.kms_key_id;
    options.notify = context.config.landing.notify;
    options.lease = context.config.landing.lease;
    options.import_date = task.import_date;
    options.import_date_rule = context.config.landing.import_date_from;
    options.catalog = {.glue_database = context.config.catalog.glue_database,
                       .table_name = context.config.catalog.table_name};
    options.aws = context.aws;
    log::info("landing {} into {}", log::redact(task.export_location),
              log::redact(context.config.landing.to));
    landing::LandResult result = context.engines.land(options);
    std::string detail = record_land_result(context.status, export_id, result);
    if (result.outcome == landing::TableOutcome::Superseded) {
      context.status.note(queue_name, message.id, "superseded", detail);
      record_landing(context.metrics, LandingOutcome::Superseded, task.instance_id, 0, 0, 0);
      log::info("export {} {}", export_id, detail);
      return;
    }
    record_landing(
        context.metrics, LandingOutcome::Landed, task.instance_id, result.rows, result.bytes,
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    log::info("landed {} tables, {} rows (import_date {}) in {:.2f}s", result.tables.size(),
              result.rows, result.import_date, result.seconds);
  });
}

void record_failure(StatusStore& status, const std::string& export_id, const std::exception& e) {
  RunStage stage =
      dynamic_cast<const rds_export::ExportAbandoned*>(&e) ? RunStage::Abandoned : RunStage::Failed;
  status.update({.export_id = export_id, .stage = stage, .error = log::redact(e.what())});
}

std::string record_land_result(StatusStore& status, const std::string& export_id,
                               const landing::LandResult& result) {
  if (result.outcome == landing::TableOutcome::Superseded) {
    std::string detail = fmt::format(
        "superseded by export {}: newer snapshots hold every "
        "partition it would land in; nothing landed",
        result.superseded_by);
    status.update({.export_id = export_id,
                   .stage = RunStage::Superseded,
                   .tables = uint64_t{0},
                   .rows = uint64_t{0},
                   .bytes = uint64_t{0},
                   .error = detail});
    return detail;
  }
  status.update({.export_id = export_id,
                 .stage = RunStage::Landed,
                 .tables = result.tables.size(),
                 .rows = result.rows,
                 .bytes = result.bytes});
  return "";
}

}  // namespace snaplake::pipeline
