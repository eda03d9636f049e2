// The worker loop: receives messages from the stage queues one at a time, runs the stage,
// deletes what is done, retries what may succeed later (a bounded number of times, the queue's
// max_receives) and dead-letters the rest with its cause (dispatch.h, failure_policy.h), and
// keeps serving. While a stage runs,
// the message's visibility is extended (a heartbeat), so a long export is not delivered to a
// second worker; if the worker dies, the message becomes visible again and another worker does
// it. Stop (SIGTERM) is honoured between messages: the current one is finished first.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/name_table.h"
#include "ops/metrics.h"
#include "pipeline/config.h"
#include "pipeline/engines.h"
#include "pipeline/queues.h"
#include "pipeline/stages.h"
#include "pipeline/status_store.h"

namespace snaplake::pipeline {

enum class StageSelection { Export, Land, All };
inline constexpr auto kStageSelectionNames =
    name_table<StageSelection>({{StageSelection::Export, "export"},
                                {StageSelection::Land, "land"},
                                {StageSelection::All, "all"}});

// What the workers of one process share while draining: how many are on a message now, and the
// last thing a drain said it waits for (so that N idle workers say it once, not N times).
struct ProcessActivity {
  std::atomic<int> busy{0};
  std::mutex mutex;
  std::string last_wait;
};

struct WorkerOptions {
  StageSelection stages = StageSelection::All;
  // Exit once every served queue is empty (nothing visible, in flight or delayed).
  bool drain = false;
  // How long one idle receive waits (long polling) before the loop looks at `stop` again.
  std::chrono::milliseconds idle_wait{500};
  // First retry delay of a retryable failure; doubles with each receive, capped by the
  // visibility timeout.
  std::chrono::milliseconds retry_delay{2000};
  // Either flag set stops the loop between messages (a signal; another worker that failed).
  const std::atomic<bool>* stop = nullptr;
  const std::atomic<bool>* also_stop = nullptr;
  queue::Clock clock = queue::system_clock();
  // The process's AWS session (session.h), shared by its workers; null: made from the config.
  std::shared_ptr<const aws::AwsSession> aws;
  // Shared by the process's workers; null: this worker alone.
  std::shared_ptr<ProcessActivity> activity;
  // The process's metrics registry (run --listen); null: none.
  ops::Registry* metrics = nullptr;
};

struct WorkerCounts {
  uint64_t done = 0;
  uint64_t retried = 0;
  uint64_t dead_lettered = 0;
};

class Worker {
 public:
  // Opens the queues and the status store (its own connections: one Worker per thread).
  static std::unique_ptr<Worker> open(const Config& config, Engines engines, WorkerOptions options);

  // Serves until stopped, or until drained with options.drain.
  WorkerCounts run();

  // One receive on one queue and the handling of what came; false when nothing came.
  bool serve_once(QueueRole role, std::chrono::milliseconds wait);

  const WorkerCounts& counts() const { return counts_; }

 private:
  Worker(const Config& config, Engines engines, WorkerOptions options);
  // The counts of the queues this worker serves, read once per idle look of a drain (on SQS each
  // read is a GetQueueAttributes of the queue and of its dead-letter queue).
  struct ServedCounts {
    std::optional<queue::Counts> events, tasks;
  };
  ServedCounts served_counts();
  static bool drained(const ServedCounts& counts);
  // A drain that only waits for messages in flight that no worker of this process holds says so.
  void report_wait(const ServedCounts& counts);

  bool stopping() const {
    return (options_.stop && options_.stop->load()) ||
           (options_.also_stop && options_.also_stop->load());
  }

  const Config& config_;
  Engines engines_;
  WorkerOptions options_;
  std::shared_ptr<const aws::AwsSession> aws_;
  std::unique_ptr<queue::Queue> events_;
  std::unique_ptr<queue::Queue> tasks_;
  std::unique_ptr<StatusStore> status_;
  WorkerCounts counts_;
};

}  // namespace snaplake::pipeline
