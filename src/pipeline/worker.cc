#include "pipeline/worker.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "pipeline/dispatch.h"
#include "pipeline/session.h"

namespace snaplake::pipeline {
namespace {

// Keeps a message invisible while its stage runs: every third of the visibility timeout, the
// timeout is restarted. Stops at destruction, or when the receipt went stale.
class Heartbeat {
 public:
  Heartbeat(queue::Queue& queue, std::string receipt, std::chrono::milliseconds visibility)
      : queue_(queue), receipt_(std::move(receipt)), visibility_(visibility) {
    thread_ = std::thread([this] { beat(); });
  }
  ~Heartbeat() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

 private:
  void beat() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (wake_.wait_for(lock, visibility_ / 3, [this] { return stopped_; })) return;
      try {
        queue_.change_visibility(receipt_, visibility_);
      } catch (const std::exception& e) {
        log::warn("cannot extend the message's visibility: {}", e.what());
        return;
      }
    }
  }

  queue::Queue& queue_;
  std::string receipt_;
  std::chrono::milliseconds visibility_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace

Worker::Worker(const Config& config, Engines engines, WorkerOptions options)
    : config_(config), engines_(std::move(engines)), options_(std::move(options)) {
  if (!options_.activity) options_.activity = std::make_shared<ProcessActivity>();
}

std::unique_ptr<Worker> Worker::open(const Config& config, Engines engines, WorkerOptions options) {
  std::unique_ptr<Worker> worker(new Worker(config, std::move(engines), std::move(options)));
  // Both queues either way: the export stage sends to tasks.
  worker->aws_ = worker->options_.aws ? worker->options_.aws : aws_session(config);
  worker->events_ = open_queue(config, QueueRole::Events, worker->aws_, worker->options_.clock);
  worker->tasks_ = open_queue(config, QueueRole::Tasks, worker->aws_, worker->options_.clock);
  worker->status_ = StatusStore::open(config, worker->aws_, worker->options_.clock);
  return worker;
}

bool Worker::serve_once(QueueRole role, std::chrono::milliseconds wait) {
  queue::Queue& queue = role == QueueRole::Events ? *events_ : *tasks_;
  const auto visibility = config_.queue.visibility_timeout;
  auto messages = queue.receive(1, visibility, wait);
  if (messages.empty()) return false;
  const queue::Message& message = messages.front();
  std::string queue_name(to_string(role));
  log::Scope scope_queue("queue", queue_name);
  log::Scope scope_message("message_id", message.id);
  StageContext context{config_, engines_, *status_, aws_, tasks_.get(), events_.get()};
  context.metrics = options_.metrics;
  Dispatched outcome;
  {
    ++options_.activity->busy;
    struct Idle {
      std::atomic<int>& busy;
      ~Idle() { --busy; }
    } idle{options_.activity->busy};
    Heartbeat heartbeat(queue, message.receipt, visibility);
    outcome = dispatch(context, role, message, config_.queue.max_receives, options_.retry_delay,
                       visibility);
  }
  apply_on_queue(queue, message, outcome);
  if (outcome.done) {
    ++counts_.done;
  } else if (outcome.failure.action == FailureDecision::Action::Retry) {
    ++counts_.retried;
  } else {
    ++counts_.dead_lettered;
  }
  return true;
}

Worker::ServedCounts Worker::served_counts() {
  ServedCounts out;
  if (options_.stages != StageSelection::Land) out.events = events_->counts();
  if (options_.stages != StageSelection::Export) out.tasks = tasks_->counts();
  return out;
}

bool Worker::drained(const ServedCounts& counts) {
  for (const auto& c : {counts.events, counts.tasks}) {
    if (c && c->pending() > 0) return false;
  }
  return true;
}

void Worker::report_wait(const ServedCounts& counts) {
  if (options_.activity->busy.load() > 0) return;  // one of ours is on it: it will finish
  std::string waiting;
  for (const auto& [role, served] :
       {std::pair{QueueRole::Events, counts.events}, std::pair{QueueRole::Tasks, counts.tasks}}) {
    if (!served) continue;
    const queue::Counts& c = *served;
    if (c.in_flight == 0 || c.visible > 0) continue;
    waiting += fmt::format("{}{} message(s) in flight on the {} queue", waiting.empty() ? "" : ", ",
                           c.in_flight, to_string(role));
  }
  std::lock_guard lock(options_.activity->mutex);
  if (waiting == options_.activity->last_wait) return;
  options_.activity->last_wait = waiting;
  if (waiting.empty()) return;
  // No worker of this process holds them: another process is on them, or a worker died with
  // them, and the queue delivers them again once their visibility timeout has passed.
  log::info(
      "drain: waiting for {}, held by no worker of this process: another worker is on it, or "
      "one died with it and it is received again when its visibility timeout ({}s) has passed",
      waiting,
      std::chrono::duration_cast<std::chrono::seconds>(config_.queue.visibility_timeout).count());
}

WorkerCounts Worker::run() {
  bool export_stage = options_.stages != StageSelection::Land;
  bool land_stage = options_.stages != StageSelection::Export;
  // Serving both queues, neither may block the other: poll each without waiting, then rest.
  auto wait = export_stage && land_stage ? std::chrono::milliseconds(0) : options_.idle_wait;
  while (!stopping()) {
    bool served = false;
    // Land first: finishing what was exported before starting the next export.
    if (land_stage) served |= serve_once(QueueRole::Tasks, wait);
    if (stopping()) break;
    if (export_stage) served |= serve_once(QueueRole::Events, wait);
    if (served) continue;
    if (options_.drain) {
      ServedCounts counts = served_counts();
      if (drained(counts)) break;
      report_wait(counts);
    }
    if (wait.count() == 0) {
      std::this_thread::sleep_for(std::min(options_.idle_wait, std::chrono::milliseconds(200)));
    }
  }
  return counts_;
}

}  // namespace snaplake::pipeline
