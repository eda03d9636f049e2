#include "pipeline/run_metrics.h"

#include <map>

namespace snaplake::pipeline {
namespace {

std::string_view stage_of(QueueRole role) {
  return role == QueueRole::Events ? "export" : "land";
}

// How many recent runs a scrape reads for the runs waiting on RDS: a wait lasts at most
// [export] or [landing] max_wait (1 h and 48 h by default), so the waiting runs are among the
// latest ones. On S3 each run read is a GET, and a scrape must stay cheap.
constexpr size_t kRunsScannedForWaits = 200;

}  // namespace

void record_message(ops::Registry* metrics, QueueRole role, const Dispatched& outcome,
                    double seconds, bool about_export) {
  if (!metrics) return;
  std::string_view result = outcome.done ? "done"
                            : outcome.failure.action == FailureDecision::Action::Retry
                                ? "retried"
                                : "dead_lettered";
  metrics->add(ops::metric::kMessages,
               {{"queue", std::string(to_string(role))}, {"outcome", std::string(result)}});
  metrics->observe(ops::metric::kStageDuration, {{"stage", std::string(stage_of(role))}}, seconds);
  if (!outcome.done && about_export) {
    metrics->add(role == QueueRole::Events ? ops::metric::kExports : ops::metric::kLandings,
                 {{"outcome", "failed"}});
  }
}

void record_export(ops::Registry* metrics, uint64_t rows, uint64_t bytes) {
  if (!metrics) return;
  metrics->add(ops::metric::kExports, {{"outcome", "exported"}});
  metrics->add(ops::metric::kExportedRows, {}, static_cast<double>(rows));
  metrics->add(ops::metric::kExportedBytes, {}, static_cast<double>(bytes));
}

void record_landing(ops::Registry* metrics, LandingOutcome outcome, std::string_view instance_id,
                    uint64_t rows, uint64_t bytes, double now_s) {
  if (!metrics) return;
  bool landed = outcome == LandingOutcome::Landed;
  metrics->add(ops::metric::kLandings, {{"outcome", landed ? "landed" : "superseded"}});
  if (!landed) return;
  metrics->add(ops::metric::kLandedRows, {}, static_cast<double>(rows));
  metrics->add(ops::metric::kLandedBytes, {}, static_cast<double>(bytes));
  if (!instance_id.empty()) {
    metrics->set(ops::metric::kLastLanding, {{"instance", std::string(instance_id)}}, now_s);
  }
}

void collect_state(ops::Registry& metrics,
                   const std::vector<std::pair<QueueRole, queue::Queue*>>& queues,
                   StatusStore& status) {
  metrics.clear(ops::metric::kQueueMessages);
  for (const auto& [role, q] : queues) {
    auto c = q->counts();
    std::string name(to_string(role));
    for (auto [state, value] :
         {std::pair{"visible", c.visible}, std::pair{"in_flight", c.in_flight},
          std::pair{"delayed", c.delayed}, std::pair{"dead", c.dead}}) {
      metrics.set(ops::metric::kQueueMessages, {{"queue", name}, {"state", state}},
                  static_cast<double>(value));
    }
  }
  uint64_t waiting = 0;
  for (const RunRecord& r : status.recent_runs(kRunsScannedForWaits)) {
    if (r.stage == RunStage::Waiting) ++waiting;
  }
  metrics.set(ops::metric::kWaitingRuns, {}, static_cast<double>(waiting));
  // However long ago: an instance that stopped landing is exactly what the alarm is for.
  for (const auto& [instance, ms] : status.last_landings()) {
    metrics.set(ops::metric::kLastLanding, {{"instance", instance}},
                static_cast<double>(ms) / 1000.0);
  }
}

}  // namespace snaplake::pipeline
