#include "pipeline/lambda_loop.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "ops/emf.h"
#include "pipeline/dispatch.h"
#include "pipeline/session.h"
#include "pipeline/status_store.h"

namespace snaplake::pipeline {
namespace {

using nlohmann::json;

// A field of an SQS record as text, whatever JSON type it came as.
std::string text_of(const json& record, std::string_view key) {
  auto it = record.find(key);
  if (it == record.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

queue::Message message_of(const json& record) {
  queue::Message message;
  message.id = text_of(record, "messageId");
  message.body = text_of(record, "body");
  message.receipt = text_of(record, "receiptHandle");
  message.receive_count = 1;
  if (auto attributes = record.find("attributes");
      attributes != record.end() && attributes->is_object()) {
    try {
      message.receive_count =
          std::max(1, std::stoi(text_of(*attributes, "ApproximateReceiveCount")));
    } catch (const std::exception&) {
      // absent or unreadable: the first receive
    }
  }
  return message;
}

// Whether the record came from `queue`: the name at the end of its eventSourceARN
// ("arn:aws:sqs:<region>:<account>:<name>") is the queue's own (the last segment of an SQS URL,
// the name of an embedded queue).
bool came_from(const json& record, const queue::Queue& queue) {
  std::string arn = text_of(record, "eventSourceARN");
  std::string name = arn.substr(arn.rfind(':') + 1);
  std::string described = queue.describe();
  std::string own = described.substr(described.find_last_of("/#") + 1);
  return !name.empty() && name == own;
}

// Applies the dispatch's outcome of one record; true when SQS must deliver it again.
bool settle(queue::Queue* own_queue, const queue::Message& message, const Dispatched& outcome) {
  if (outcome.done) return false;
  if (outcome.failure.action == FailureDecision::Action::Retry) {
    if (own_queue && !message.receipt.empty()) {
      try {
        own_queue->change_visibility(message.receipt, outcome.failure.delay);
      } catch (const std::exception& e) {
        log::warn("cannot delay the retry of message {}: {}", message.id, e.what());
      }
    }
    return true;
  }
  if (own_queue && !message.receipt.empty()) {
    try {
      apply_on_queue(*own_queue, message, outcome);
      return false;
    } catch (const std::exception& e) {
      log::warn("cannot dead-letter message {} here ({}); SQS's redrive policy will", message.id,
                e.what());
    }
  }
  return true;
}

// A local path of a location (a folder, file://…); "" for s3:// and the like.
std::string local_path(std::string_view location) {
  if (location.starts_with("file://")) return std::string(location.substr(7));
  if (location.find("://") != std::string_view::npos) return "";
  return std::string(location);
}

}  // namespace

void check_lambda_writes(const Config& config, QueueRole role, std::string_view task_root) {
  if (task_root.empty()) return;
  const std::filesystem::path root = std::filesystem::path(task_root).lexically_normal();
  auto check = [&](std::string_view key, std::string_view location) {
    std::string path = local_path(location);
    if (path.empty()) return;
    auto relative = std::filesystem::path(path).lexically_normal().lexically_relative(root);
    if (relative.empty() || *relative.begin() == "..") return;  // outside the package
    fail(ErrorKind::Config,
         "{}: {} '{}' is inside {} ($LAMBDA_TASK_ROOT), which is read-only in Lambda: give an "
         "s3:// location, or one under /tmp",
         config.file, key, path, root.string());
  };
  if (config.queue.backend == QueueBackend::Sqlite) check("[queue] path", config.queue.path);
  if (config.status.location.empty()) {
    check("the status file beside [queue] path", config.status_path());
  } else {
    check("[status] location", config.status.location);
  }
  bool exports_here = role == QueueRole::Events &&
                      std::any_of(config.instances.begin(), config.instances.end(),
                                  [](const auto& i) { return i.engine != Engine::Rds; });
  if (exports_here) check("[export] to", config.export_.to);
  if (role == QueueRole::Tasks) check("[landing] to", config.landing.to);
}

std::string handle_invocation(StageContext& context, QueueRole role, queue::Queue* own_queue,
                              int max_receives, std::string_view event) {
  json root = json::parse(event, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object() || !root.contains("Records") || !root["Records"].is_array()) {
    // Not an SQS batch (a test invocation, a direct call): the event is the message body, and a
    // failure fails the invocation.
    queue::Message message{"invocation", std::string(event), "", 1};
    Dispatched outcome = dispatch(context, role, message, 1, {}, {});
    if (!outcome.done) fail(ErrorKind::InvalidInput, "{}", outcome.failure.cause);
    return "{}";
  }
  json failures = json::array();
  for (const json& record : root["Records"]) {
    if (!record.is_object()) {
      log::error("an SQS record that is not an object: {}", record.dump().substr(0, 200));
      continue;  // nothing to name it by; SQS deletes what is not reported
    }
    queue::Message message = message_of(record);
    log::Scope scope("message_id", message.id);
    // The queue can delay or dead-letter the record only if the record is its own.
    queue::Queue* queue = own_queue && came_from(record, *own_queue) ? own_queue : nullptr;
    StageContext for_message = context;  // export_id is the message's own
    Dispatched outcome = dispatch(for_message, role, message, max_receives, std::chrono::seconds(2),
                                  std::chrono::minutes(15));
    if (settle(queue, message, outcome)) failures.push_back({{"itemIdentifier", message.id}});
  }
  return json{{"batchItemFailures", failures}}.dump();
}

void serve_lambda(const Config& config, const Engines& engines, LambdaRuntime& runtime,
                  const LambdaOptions& options) {
  std::shared_ptr<const aws::AwsSession> session;
  std::unique_ptr<queue::Queue> tasks, events;
  std::unique_ptr<StatusStore> status;
  try {
    // The export stage sends task messages; both stages re-send a message that waits to their
    // own queue (waits.h), and dead-letter to their own queue's dead-letter queue.
    const char* task_root = std::getenv("LAMBDA_TASK_ROOT");
    check_lambda_writes(config, options.role, task_root ? task_root : "");
    session = aws_session(config);
    tasks = open_queue(config, QueueRole::Tasks, session);
    events = open_queue(config, QueueRole::Events, session);
    status = StatusStore::open(config, session);
  } catch (const Error& e) {
    runtime.init_error(e);
    throw;
  }
  queue::Queue* own = options.role == QueueRole::Events ? events.get() : tasks.get();
  StageContext context{config, engines, *status, session, tasks.get(), events.get()};
  ops::Registry metrics;
  if (options.metric_lines) {
    metrics.set_listener(
        [&](const ops::MetricFamily& family, const ops::Labels& labels, double value) {
          auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch());
          options.metric_lines(ops::emf_line(family, labels, value, now.count()));
        });
    context.metrics = &metrics;
  }
  log::info("serving Lambda invocations of the {} stage",
            options.role == QueueRole::Events ? "export" : "land");
  for (int served = 0; options.max_invocations == 0 || served < options.max_invocations; ++served) {
    auto invocation = runtime.next();
    log::Scope scope("request_id", invocation.request_id);
    if (invocation.deadline.time_since_epoch().count() != 0) {
      context.deadline = invocation.deadline;
    } else {
      context.deadline.reset();
    }
    try {
      runtime.respond(invocation.request_id,
                      handle_invocation(context, options.role, own, config.queue.max_receives,
                                        invocation.event));
    } catch (const Error& e) {
      log::error("invocation failed: {}", log::redact(e.what()));
      runtime.error(invocation.request_id, e);
    } catch (const std::exception& e) {
      Error internal(ErrorKind::Internal, e.what());
      log::error("invocation failed: {}", log::redact(e.what()));
      runtime.error(invocation.request_id, internal);
    }
  }
}

}  // namespace snaplake::pipeline
