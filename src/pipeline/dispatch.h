// One message through its stage, and the one decision of what becomes of it (failure_policy.h):
// shared by the worker loop (worker.h), which then deletes, delays or dead-letters it on its
// queue, and the Lambda loop (lambda_loop.h), which answers SQS with the batch items that failed.
// The status store learns of retries and dead letters here, once for both.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "pipeline/failure_policy.h"
#include "pipeline/queues.h"
#include "pipeline/stages.h"
#include "queue/queue.h"

namespace snaplake::pipeline {

struct Dispatched {
  bool done = false;        // the stage handled it: delete it
  FailureDecision failure;  // otherwise: retry it later, or dead-letter it
};

// Runs the stage of `role` on the message (handle_event / handle_task) and decides. Does not touch
// the queue: the caller applies the outcome (apply_on_queue, or the Lambda answer).
Dispatched dispatch(StageContext& context, QueueRole role, const queue::Message& message,
                    int max_receives, std::chrono::milliseconds first_retry_delay,
                    std::chrono::milliseconds longest_retry_delay);

// Applies a dispatch's outcome to the queue the message came from: delete it, make it visible
// again after the retry delay, or move it to the dead-letter queue with its cause.
void apply_on_queue(queue::Queue& queue, const queue::Message& message, const Dispatched& outcome);

}  // namespace snaplake::pipeline
