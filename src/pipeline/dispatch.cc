#include "pipeline/dispatch.h"

#include "common/log.h"
#include "pipeline/run_metrics.h"

namespace snaplake::pipeline {

namespace {

// The status store's record of a failure: a note; a dead letter is also recorded as one, and
// ends the run it was about.
void record(StageContext& context, std::string_view queue_name, const queue::Message& message,
            const FailureDecision& failure) {
  if (failure.action == FailureDecision::Action::Retry) {
    log::warn("attempt {} failed, retrying in {} ms: {}", message.receive_count,
              failure.delay.count(), failure.cause);
    context.status.note(queue_name, message.id, "retrying",
                        fmt::format("attempt {}: {}", message.receive_count, failure.cause));
    return;
  }
  log::error("dead-lettering message {}: {}", message.id, failure.cause);
  context.status.note(queue_name, message.id, "dead-lettered", failure.cause);
  // Recorded now, so that `snaplake status` never looks into the dead-letter queue (on SQS a look
  // is a receive, which raises the message's receive count). A direct Lambda invocation has no
  // queue (no receipt): it fails instead, and there is no dead letter.
  if (!message.receipt.empty()) {
    context.status.dead_letter({.queue = std::string(queue_name),
                                .message_id = message.id,
                                .cause = failure.cause,
                                .receive_count = message.receive_count,
                                .body = failure.body ? *failure.body : message.body});
  }
  if (!context.export_id.empty()) {
    context.status.update(
        {.export_id = context.export_id,
         .stage = failure.abandoned ? RunStage::Abandoned : RunStage::DeadLettered,
         .error = failure.cause});
  }
}

}  // namespace

Dispatched dispatch(StageContext& context, QueueRole role, const queue::Message& message,
                    int max_receives, std::chrono::milliseconds first_retry_delay,
                    std::chrono::milliseconds longest_retry_delay) {
  const std::string queue_name(to_string(role));
  Dispatched out;
  const auto started = std::chrono::steady_clock::now();
  if (auto given_up = beyond_max_receives(message.receive_count, max_receives)) {
    out.failure = std::move(*given_up);
    record(context, queue_name, message, out.failure);
    record_message(context.metrics, role, out, 0, false);
    return out;
  }
  try {
    if (role == QueueRole::Events) {
      handle_event(context, message, queue_name);
    } else {
      handle_task(context, message, queue_name);
    }
    out.done = true;
  } catch (const Error& e) {
    out.failure =
        decide(e, message.receive_count, max_receives, first_retry_delay, longest_retry_delay);
  } catch (const std::exception& e) {
    out.failure = decide_internal(e);
  }
  if (!out.done) record(context, queue_name, message, out.failure);
  record_message(context.metrics, role, out,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                 !context.export_id.empty());
  return out;
}

void apply_on_queue(queue::Queue& queue, const queue::Message& message, const Dispatched& outcome) {
  if (outcome.done) {
    queue.remove(message.receipt);
  } else if (outcome.failure.action == FailureDecision::Action::Retry) {
    queue.change_visibility(message.receipt, outcome.failure.delay);
  } else if (outcome.failure.body) {
    queue.dead_letter(message, outcome.failure.cause, *outcome.failure.body);
  } else {
    queue.dead_letter(message, outcome.failure.cause);
  }
}

}  // namespace snaplake::pipeline
