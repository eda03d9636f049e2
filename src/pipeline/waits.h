// Waiting for something outside snaplake without holding a worker or a message: an RDS snapshot
// still being created, a free slot among RDS's five concurrent exports, an RDS export task not
// yet COMPLETE. The stage sends the message again to its own queue with a delay (SQS
// DelaySeconds; queue::Queue::send's delay) carrying how many checks were made, and returns, so
// that the worker deletes the message it received. The delay grows with the checks; once the
// delays add up to the configured bound, the wait ends in an error that is not retried, so the
// message is dead-lettered with the cause ("… still creating after N checks over 1h").
//
// The export stage's events are foreign messages (RDS through SNS, EventBridge, snaplake's own)
// whose formats stay as they are, so a re-sent event travels in snaplake's own small wrapper
// {"snaplake_waiting": {"checks": N}, "body": "<the event as received>"}; the export-task
// message carries its own count ("Polls").
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/error.h"
#include "queue/queue.h"

namespace snaplake::pipeline {

// The end of a wait: Error(Conflict) — the state is still not what was waited for — that the
// worker dead-letters at once instead of retrying, because the waiting was the retrying.
// It carries the message as first received, which the dead letter keeps, so that a redrive from
// the dead-letter queue starts a fresh wait rather than giving up at its first check.
class WaitExhausted : public Error {
 public:
  WaitExhausted(std::string message, std::string first_body)
      : Error(ErrorKind::Conflict, std::move(message)), first_body_(std::move(first_body)) {}
  const std::string& first_body() const { return first_body_; }

 private:
  std::string first_body_;
};

// When to check again, and when to stop.
struct WaitSchedule {
  std::chrono::milliseconds first_delay = std::chrono::seconds(30);
  // SQS's longest DelaySeconds is 15 minutes.
  std::chrono::milliseconds longest_delay = std::chrono::minutes(15);
  // The wait ends once the delays so far add up to this.
  std::chrono::milliseconds give_up_after = std::chrono::hours(1);

  // The delay before check number `checks` + 1: first_delay doubling, at most longest_delay.
  std::chrono::milliseconds delay_after(int checks) const;
  // The delays of the first `checks` checks added up: about how long has been waited.
  std::chrono::milliseconds waited_after(int checks) const;
};

// The export stage's schedule (snapshot being created, no free RDS export slot): 30 s doubling
// to 5 minutes, for at most `give_up_after` ([export] max_wait).
WaitSchedule export_wait_schedule(std::chrono::milliseconds give_up_after);
// The land stage's schedule (RDS export task running): 30 s doubling to 15 minutes, for at most
// `give_up_after` ([landing] max_wait).
WaitSchedule export_task_wait_schedule(std::chrono::milliseconds give_up_after);

// An event whose export id another worker holds (commit/claim.h): half the lease at first (the
// holder renews every third of it), doubling to 5 minutes, for as long as the holder lives.
WaitSchedule claim_wait_schedule(std::chrono::milliseconds lease);

// Sends `body` to `queue` again, delayed by schedule.delay_after(checks) and returns the delay;
// when the schedule is exhausted (waited_after(checks - 1) >= give_up_after), throws
// WaitExhausted: "<reason> after <checks> checks over <time>: giving up", carrying first_body
// (the message as first received, without the count).
// `checks` is the number of checks made so far, this one included.
std::chrono::milliseconds wait_again(queue::Queue& queue, std::string_view body,
                                     std::string_view first_body, int checks,
                                     const WaitSchedule& schedule, std::string_view reason);

// "45s", "5m", "1h30m": a rounded duration for messages.
std::string describe_duration(std::chrono::milliseconds duration);

// The export stage's wrapper of a re-sent event.
struct WaitingMessage {
  std::string body;  // the message as first received
  int checks = 0;    // checks made before it was re-sent; 0 for a message not wrapped
};
std::string wrap_waiting_message(std::string_view body, int checks);
// A wrapped body gives its original and count; any other body is returned as it is, count 0.
// Throws Error(InvalidInput) for a wrapper that is malformed.
WaitingMessage unwrap_waiting_message(std::string_view body);

}  // namespace snaplake::pipeline
