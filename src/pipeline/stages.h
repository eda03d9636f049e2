// The pipeline's two stages, each handling one queue message (docs/messages.md).
// A handler returns normally when the message is done with (the worker deletes it: done,
// ignored, dropped, or sent again to its own queue with a delay to wait for RDS, waits.h) and
// throws Error when it failed; the worker then retries it (bounded) or dead-letters it with the
// cause. Both are idempotent: a redelivered message never duplicates an export or a landing.
#pragma once

#include <chrono>
#include <optional>

#include "aws/session.h"
#include "landing/land.h"
#include "ops/metrics.h"
#include "pipeline/config.h"
#include "pipeline/engines.h"
#include "pipeline/status_store.h"
#include "queue/queue.h"

namespace snaplake::pipeline {

struct StageContext {
  const Config& config;
  const Engines& engines;
  StatusStore& status;
  // The process's one AWS session (session.h): every store, queue, notifier and RDS client the
  // stages make uses it.
  std::shared_ptr<const aws::AwsSession> aws;
  queue::Queue* tasks = nullptr;   // where the export stage sends export-task messages, and
                                   // where the land stage re-sends a task it waits on
  queue::Queue* events = nullptr;  // where the export stage re-sends an event it waits on
  // Without the queue a stage would re-send to, a wait is Error(Conflict) instead: the message
  // comes back after the visibility timeout, within the queue's bounded receives.
  // Set by the stage once it knows which run the message is about: the worker records a dead
  // letter against it.
  std::string export_id = {};
  // Under Lambda: when the invocation is stopped. The export stage refuses a database it does
  // not expect to export by then (lambda_budget.h).
  std::optional<std::chrono::system_clock::time_point> deadline = {};
  // Where the stages report exports and landings (run_metrics.h); null: nowhere.
  ops::Registry* metrics = nullptr;
};

// Export stage: a snapshot event -> (the configured instance's) export -> an export-task
// message. Events of instances not in the configuration are dropped with a log line. An event
// whose export is being written by another worker (a duplicated delivery) waits on its queue
// while that attempt lives; one whose export is COMPLETE already sends the task message again.
void handle_event(StageContext& context, const queue::Message& message,
                  std::string_view queue_name);

// Land stage: an export-task message -> the export landed in the landing zone (or superseded,
// when newer snapshots hold its partitions).
void handle_task(StageContext& context, const queue::Message& message, std::string_view queue_name);

// What a landing of `export_id` makes of its run, for the land stage and `snaplake land --config`
// alike: record_land_result after it (landed, or superseded: then returns the detail), and
// record_failure when it threw (failed, or abandoned when its export's writer died).
std::string record_land_result(StatusStore& status, const std::string& export_id,
                               const landing::LandResult& result);
void record_failure(StatusStore& status, const std::string& export_id, const std::exception& e);

// The instance a snapshot event is of: the event's own, else the configured instance whose id
// begins a manual snapshot's name ("<instance>-…", the longest such id). nullptr: none.
const InstanceConfig* resolve_instance(const Config& config, const struct SnapshotEvent& event);

}  // namespace snaplake::pipeline
