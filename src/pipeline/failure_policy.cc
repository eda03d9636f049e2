#include "pipeline/failure_policy.h"

#include <algorithm>

#include "common/log.h"
#include "pipeline/waits.h"
#include "rds_export/documents.h"

namespace snaplake::pipeline {

bool retry_may_help(const Error& error) {
  if (dynamic_cast<const WaitExhausted*>(&error)) return false;
  if (dynamic_cast<const rds_export::ExportEnded*>(&error)) return false;
  switch (error.kind()) {
    case ErrorKind::Network:   // a connection failed or timed out
    case ErrorKind::Conflict:  // not yet (a claim held, an export not finished)
    case ErrorKind::Source:    // the database restarting, a lock timeout
    case ErrorKind::Io:        // a full disk being cleared
      return true;
    case ErrorKind::InvalidInput:
    case ErrorKind::Config:
    case ErrorKind::Auth:
    case ErrorKind::NotFound:
    case ErrorKind::Unsupported:
    case ErrorKind::Interrupted:
    case ErrorKind::Internal:
      return false;
  }
  return false;
}

FailureDecision decide(const Error& error, int receive_count, int max_receives,
                       std::chrono::milliseconds first_delay,
                       std::chrono::milliseconds longest_delay) {
  FailureDecision d;
  d.cause = fmt::format("{}: {}", to_string(error.kind()), log::redact(error.what()));
  d.abandoned = dynamic_cast<const rds_export::ExportAbandoned*>(&error) != nullptr;
  if (const auto* wait = dynamic_cast<const WaitExhausted*>(&error)) d.body = wait->first_body();
  if (!retry_may_help(error)) return d;
  if (receive_count < max_receives) {
    d.action = FailureDecision::Action::Retry;
    d.delay = std::min<std::chrono::milliseconds>(
        first_delay * (1 << std::clamp(receive_count - 1, 0, 10)), longest_delay);
    return d;
  }
  d.cause = fmt::format("gave up after {} attempts: {}", receive_count, d.cause);
  return d;
}

std::optional<FailureDecision> beyond_max_receives(int receive_count, int max_receives) {
  if (receive_count <= max_receives) return std::nullopt;
  FailureDecision d;
  d.cause = fmt::format(
      "received {} times without being handled (max_receives {}): the workers or Lambda "
      "invocations that took it crashed or ran out of time",
      receive_count, max_receives);
  return d;
}

FailureDecision decide_internal(const std::exception& error) {
  FailureDecision d;
  d.cause = fmt::format("internal: {}", log::redact(error.what()));
  return d;
}

}  // namespace snaplake::pipeline
