// The pipeline's one failure policy: what becomes of a message whose stage failed, for the worker
// loop (worker.h) and the Lambda loop (lambda_loop.h) alike. Retrying is bounded by max_receives
// (the queue's, or SQS's maxReceiveCount); then, or at once where retrying cannot help, the
// message is dead-lettered with a one-line cause.
//
// The decision is not the error kind's alone: a database restarting (Source) or a disk being
// cleared (Io) may succeed later as a network failure may, but an export that ended FAILED,
// CANCELED or abandoned (rds_export::ExportEnded, also Source) does not, and a wait that ran
// out (WaitExhausted, Conflict) was itself the retrying.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/error.h"

namespace snaplake::pipeline {

// Whether the same message, tried again later, may succeed.
bool retry_may_help(const Error& error);

struct FailureDecision {
  enum class Action { Retry, DeadLetter };
  Action action = Action::DeadLetter;
  std::string cause;                  // "<kind>: <message>", or "gave up after N attempts: …"
  std::chrono::milliseconds delay{};  // Retry: when to try again
  // DeadLetter: what the dead letter holds instead of the message as received (a wait that ran
  // out keeps the message as first received, so that a redrive waits afresh).
  std::optional<std::string> body;
  bool abandoned = false;  // the run ends abandoned (its export's writer died), not dead-lettered
};

// Decides for a failure on the message's `receive_count`th receive. The retry delay starts at
// `first_delay` and doubles with each receive, capped by `longest_delay`.
FailureDecision decide(const Error& error, int receive_count, int max_receives,
                       std::chrono::milliseconds first_delay,
                       std::chrono::milliseconds longest_delay);
// A failure that is not an snaplake::Error is a bug: dead-lettered at once as internal.
FailureDecision decide_internal(const std::exception& error);

// A message received more often than max_receives: the receives before ended with no decision
// (the worker or Lambda invocation that took each crashed, or ran out of time). It is
// dead-lettered at once, before anything runs again, and recorded as any dead letter, so its run
// shows dead-lettered with this cause. On SQS that needs the queue's maxReceiveCount to be one
// more than max_receives (deploy/cloudformation/snaplake.yaml); with maxReceiveCount equal to
// it, SQS moves such a message itself, and no worker sees it. nullopt when within the bound.
std::optional<FailureDecision> beyond_max_receives(int receive_count, int max_receives);

}  // namespace snaplake::pipeline
