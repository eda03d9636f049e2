// What the pipeline tells the metrics registry (ops/metric_catalog.h), said in one place: a
// message's outcome and stage duration (dispatch.cc, for the worker and the Lambda loop alike),
// an export's or a landing's result (stages.cc), and, when scraped, the state of the queues and
// of the status store (the queue gauges, the waiting runs, each instance's last landing), read
// at that moment so that every process serving the same queues reports the same state.
#pragma once

#include <optional>

#include "ops/metrics.h"
#include "pipeline/dispatch.h"
#include "pipeline/queues.h"
#include "pipeline/status_store.h"
#include "queue/queue.h"

namespace snaplake::pipeline {

// Every function takes the registry as a pointer: null (no --listen, no Lambda) records nothing.

// A message through its stage: snaplake_messages_total, snaplake_stage_duration_seconds, and a
// failed export or landing (a failure of a message about one: `about_export`).
void record_message(ops::Registry* metrics, QueueRole role, const Dispatched& outcome,
                    double seconds, bool about_export);

void record_export(ops::Registry* metrics, uint64_t rows, uint64_t bytes);

enum class LandingOutcome { Landed, Superseded };
// A landing; a landed one also sets its instance's last-landing time to `now_s`.
void record_landing(ops::Registry* metrics, LandingOutcome outcome, std::string_view instance_id,
                    uint64_t rows, uint64_t bytes, double now_s);

// The gauges read at a scrape: queue counts of `queues` (role, queue), runs waiting, and each
// instance's last landing among the status store's recent runs.
void collect_state(ops::Registry& metrics,
                   const std::vector<std::pair<QueueRole, queue::Queue*>>& queues,
                   StatusStore& status);

}  // namespace snaplake::pipeline
