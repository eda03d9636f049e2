// The answers of `snaplake run --listen`'s HTTP server (ops/http_server.h):
//   /metrics  the Prometheus exposition of the process's registry, with the queues' and the
//             status store's state read at the scrape (run_metrics.h);
//   /healthz  200 while the process serves (liveness);
//   /readyz   200 when the queues, the status store and the export and landing stores answer,
//             else 503 with the first that did not (readiness);
//   /         the status page (ops/status_page.h).
// It opens its own queues and status store (the server has its own thread), and answers one
// request at a time.
#pragma once

#include <memory>
#include <string_view>

#include "aws/session.h"
#include "ops/http_server.h"
#include "ops/metrics.h"
#include "pipeline/config.h"
#include "pipeline/status_store.h"
#include "queue/queue.h"

namespace snaplake::pipeline {

class OpsEndpoints {
 public:
  static std::unique_ptr<OpsEndpoints> open(const Config& config,
                                            std::shared_ptr<const aws::AwsSession> aws,
                                            ops::Registry& metrics);

  ops::HttpResponse answer(std::string_view path);

 private:
  OpsEndpoints(const Config& config, std::shared_ptr<const aws::AwsSession> aws,
               ops::Registry& metrics)
      : config_(config), aws_(std::move(aws)), metrics_(metrics) {}
  // The first thing that does not answer, or "" when all do.
  std::string not_ready();

  const Config& config_;
  std::shared_ptr<const aws::AwsSession> aws_;
  ops::Registry& metrics_;
  std::unique_ptr<queue::Queue> events_;
  std::unique_ptr<queue::Queue> tasks_;
  std::unique_ptr<StatusStore> status_;
};

}  // namespace snaplake::pipeline
