#include "pipeline/worker.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "common/log.h"
#include "rds_export/documents.h"
#include "pipeline/waits.h"

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

bool retry_may_help(ErrorKind kind) {
  return kind == ErrorKind::Network || kind == ErrorKind::Conflict || kind == ErrorKind::Source ||
         kind == ErrorKind::Io;
}

Worker::Worker(const Config& config, Engines engines, WorkerOptions options)
    : config_(config), engines_(std::move(engines)), options_(std::move(options)) {}

std::unique_ptr<Worker> Worker::open(const Config& config, Engines engines, WorkerOptions options) {
  std::unique_ptr<Worker> worker(new Worker(config, std::move(engines), std::move(options)));
  // Both queues either way: the export stage sends to tasks.
  worker->events_ = open_queue(config, QueueRole::Events, worker->options_.clock);
  worker->tasks_ = open_queue(config, QueueRole::Tasks, worker->options_.clock);
  worker->status_ = StatusStore::open(config.status_path(), worker->options_.clock);
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
  StageContext context{config_, engines_, *status_, tasks_.get(), events_.get()};
  try {
    {
      Heartbeat heartbeat(queue, message.receipt, visibility);
      if (role == QueueRole::Events) {
        handle_event(context, message, queue_name);
      } else {
        handle_task(context, message, queue_name);
      }
    }
    queue.remove(message.receipt);
    ++counts_.done;
    return true;
  } catch (const Error& e) {
    std::string cause = fmt::format("{}: {}", to_string(e.kind()), log::redact(e.what()));
    // A wait that ran out (waits.h) was itself the retrying; an abandoned export does not come
    // back by waiting (its event, redelivered, exports it afresh).
    bool may_retry = retry_may_help(e.kind()) && !dynamic_cast<const WaitExhausted*>(&e) &&
                     !dynamic_cast<const rds_export::ExportAbandoned*>(&e);
    if (may_retry && message.receive_count < config_.queue.max_receives) {
      auto delay = options_.retry_delay * (1 << std::min(message.receive_count - 1, 10));
      delay = std::min<std::chrono::milliseconds>(delay, visibility);
      log::warn("attempt {} of {} failed, retrying in {} ms: {}", message.receive_count,
                config_.queue.max_receives, delay.count(), cause);
      queue.change_visibility(message.receipt, delay);
      status_->note(queue_name, message.id, "retrying",
                    fmt::format("attempt {}: {}", message.receive_count, cause));
      ++counts_.retried;
      return true;
    }
    if (may_retry) {
      cause = fmt::format("gave up after {} attempts: {}", message.receive_count, cause);
    }
    log::error("dead-lettering message {}: {}", message.id, cause);
    if (const auto* wait = dynamic_cast<const WaitExhausted*>(&e)) {
      queue.dead_letter(message, cause, wait->first_body());  // a redrive waits afresh
    } else {
      queue.dead_letter(message, cause);
    }
    record_dead_letter(context, queue_name, message, cause,
                       dynamic_cast<const rds_export::ExportAbandoned*>(&e) != nullptr);
    return true;
  } catch (const std::exception& e) {
    std::string cause = fmt::format("internal: {}", log::redact(e.what()));
    log::error("dead-lettering message {}: {}", message.id, cause);
    queue.dead_letter(message, cause);
    record_dead_letter(context, queue_name, message, cause, false);
    return true;
  }
}

void Worker::record_dead_letter(const StageContext& context, std::string_view queue_name,
                                const queue::Message& message, const std::string& cause,
                                bool abandoned) {
  status_->note(queue_name, message.id, "dead-lettered", cause);
  if (!context.export_id.empty()) {
    status_->update({.export_id = context.export_id,
                     .stage = abandoned ? RunStage::Abandoned : RunStage::DeadLettered,
                     .error = cause});
  }
  ++counts_.dead_lettered;
}

bool Worker::drained() {
  bool export_stage = options_.stages != StageSelection::Land;
  bool land_stage = options_.stages != StageSelection::Export;
  if (export_stage && events_->counts().pending() > 0) return false;
  if (land_stage && tasks_->counts().pending() > 0) return false;
  return true;
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
    if (options_.drain && drained()) break;
    if (wait.count() == 0) {
      std::this_thread::sleep_for(std::min(options_.idle_wait, std::chrono::milliseconds(200)));
    }
  }
  return counts_;
}

}  // namespace snaplake::pipeline
