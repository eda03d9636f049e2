#include "pipeline/ops_endpoints.h"

#include "common/log.h"
#include "ops/prometheus_text.h"
#include "ops/status_page.h"
#include "pipeline/queues.h"
#include "pipeline/run_metrics.h"
#include "pipeline/status_document.h"
#include "store/object_store.h"

namespace snaplake::pipeline {
namespace {

// A key no one writes: a HEAD of it answers "not there" from a store that works.
constexpr std::string_view kReadinessProbeKey = "_snaplake/readyz-probe";

// As `snaplake status` shows them by default.
constexpr size_t kPageEntries = 20;

}  // namespace

std::unique_ptr<OpsEndpoints> OpsEndpoints::open(const Config& config,
                                                 std::shared_ptr<const aws::AwsSession> aws,
                                                 ops::Registry& metrics) {
  std::unique_ptr<OpsEndpoints> e(new OpsEndpoints(config, std::move(aws), metrics));
  e->events_ = open_queue(config, QueueRole::Events, e->aws_);
  e->tasks_ = open_queue(config, QueueRole::Tasks, e->aws_);
  e->status_ = StatusStore::open(config, e->aws_);
  return e;
}

std::string OpsEndpoints::not_ready() {
  auto check = [](std::string_view what, auto&& probe) -> std::string {
    try {
      probe();
      return "";
    } catch (const std::exception& e) {
      return fmt::format("{}: {}", what, log::redact(e.what()));
    }
  };
  for (auto* q : {events_.get(), tasks_.get()}) {
    if (auto cause = check(q->describe(), [&] { q->counts(); }); !cause.empty()) return cause;
  }
  if (auto cause = check("status store", [&] { status_->recent_runs(1); }); !cause.empty()) {
    return cause;
  }
  for (const std::string& location : {config_.export_.to, config_.landing.to}) {
    if (location.empty()) continue;
    auto cause = check(log::redact(location),
                       [&] { store::open_store(location, aws_)->head(kReadinessProbeKey); });
    if (!cause.empty()) return cause;
  }
  return "";
}

ops::HttpResponse OpsEndpoints::answer(std::string_view path) {
  std::vector<std::pair<QueueRole, queue::Queue*>> queues = {{QueueRole::Events, events_.get()},
                                                             {QueueRole::Tasks, tasks_.get()}};
  if (path == "/metrics") {
    collect_state(metrics_, queues, *status_);
    return {200, std::string(ops::kPrometheusContentType),
            ops::prometheus_text(metrics_.snapshot())};
  }
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/readyz") {
    std::string cause = not_ready();
    if (cause.empty()) return {200, "text/plain; charset=utf-8", "ready\n"};
    return {503, "text/plain; charset=utf-8", fmt::format("not ready: {}\n", cause)};
  }
  if (path == "/" || path == "/index.html") {
    auto doc = status_document(config_, queues, *status_, kPageEntries);
    return {200, "text/html; charset=utf-8", ops::status_page(doc)};
  }
  return {404, "text/plain; charset=utf-8", "not found: try /, /metrics, /healthz, /readyz\n"};
}

}  // namespace snaplake::pipeline
