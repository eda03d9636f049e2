#include "pipeline/run_metrics.h"

#include <map>

namespace snaplake::pipeline {
namespace {

std::string_view stage_of(QueueRole role) {
  return role == QueueRole::Events ? "export" : "land";
}

// How many recent runs a scrape reads for the last landing of each instance: enough for every
// instance of a configuration to have landed once among them.
constexpr size_t kRunsScanned = 1000;

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
  std::map<std::string, int64_t> last_landing_ms;
  for (const RunRecord& r : status.recent_runs(kRunsScanned)) {
    if (r.stage == RunStage::Waiting) ++waiting;
    if (r.stage == RunStage::Landed && r.landed_ms > 0 && !r.instance_id.empty()) {
      auto& latest = last_landing_ms[r.instance_id];
      latest = std::max(latest, r.landed_ms);
    }
  }
  metrics.set(ops::metric::kWaitingRuns, {}, static_cast<double>(waiting));
  for (const auto& [instance, ms] : last_landing_ms) {
    metrics.set(ops::metric::kLastLanding, {{"instance", instance}},
                static_cast<double>(ms) / 1000.0);
  }
}

}  // namespace snaplake::pipeline
