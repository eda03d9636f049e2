// A message queue with Amazon SQS semantics, whatever the backend (the embedded SQLite queue, or
// SQS itself). Every backend passes the same conformance suite (queue_conformance_test.cc).
//
// Contract, as SQS standard queues behave
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/):
// - At-least-once delivery: a received message stays in the queue, invisible for the visibility
//   timeout given to receive(); unless it is removed with its receipt handle in that time, it
//   becomes visible again and is received again (its receive count grows by one each time).
// - A message sent with a delay is invisible until the delay has passed.
// - A message received max_receives times and still not removed is moved to the dead-letter
//   queue at its next receive (SQS's redrive policy, maxReceiveCount); a consumer may also move
//   one there itself with a cause (dead_letter()).
// - change_visibility() restarts the message's visibility timeout from now: a worker calls it to
//   keep a message while a long export runs. A stale receipt handle (the message was received
//   again by someone else since) is Error(Conflict).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snaplake::queue {

using Clock = std::function<std::chrono::system_clock::time_point()>;
Clock system_clock();

struct Message {
  std::string id;  // stable across receives
  std::string body;
  std::string receipt;    // this receive's handle, for remove() and change_visibility()
  int receive_count = 0;  // 1 on the first receive
};

struct DeadLetter {
  std::string id;  // the message's id in the queue it came from (Message::id)
  std::string body;
  int receive_count = 0;
  std::string cause;  // why it was dead-lettered ("" where the backend does not record one)
  std::chrono::system_clock::time_point when;
};

struct Counts {
  uint64_t visible = 0;    // ready to be received
  uint64_t in_flight = 0;  // received, not yet removed, still invisible
  uint64_t delayed = 0;    // sent with a delay that has not passed
  uint64_t dead = 0;       // in the dead-letter queue
  uint64_t pending() const { return visible + in_flight + delayed; }
};

class Queue {
 public:
  virtual ~Queue() = default;

  // For messages: "sqlite:/x/queue.db#events", "https://sqs…/events".
  virtual std::string describe() const = 0;

  // Returns the new message's id.
  virtual std::string send(std::string_view body, std::chrono::milliseconds delay = {}) = 0;

  // Up to `max` visible messages (1..10, as SQS), each made invisible for `visibility`. Waits up
  // to `wait` for the first one to arrive (SQS long polling); returns an empty vector if none.
  virtual std::vector<Message> receive(int max, std::chrono::milliseconds visibility,
                                       std::chrono::milliseconds wait = {}) = 0;

  // Deletes a received message. A stale receipt is not an error (as SQS): the message is left
  // for whoever holds it now.
  virtual void remove(std::string_view receipt) = 0;

  virtual void change_visibility(std::string_view receipt,
                                 std::chrono::milliseconds visibility) = 0;

  // Moves a received message to the dead-letter queue, recording the cause. With `body`, the
  // dead letter holds that instead of the message's own (e.g. the message as first received,
  // so that a redrive starts afresh).
  virtual void dead_letter(const Message& message, std::string_view cause,
                           std::optional<std::string_view> body = std::nullopt) = 0;

  // The most recent dead letters, newest first.
  virtual std::vector<DeadLetter> dead_letters(size_t limit = 100) = 0;

  // A redrive: moves dead letters back into this queue as new messages that start afresh
  // (visible now, receive count 0, as the waits assume: waits.h), all of them, or the one whose
  // id dead_letters() shows as `id`. Returns the ids of those moved, as dead_letters() showed
  // them. An `id` that is no dead letter of this queue is Error(NotFound), and nothing moves. A
  // message is sent before it leaves the dead letters, so a failure in between leaves a
  // duplicate, never a loss.
  virtual std::vector<std::string> redrive(std::optional<std::string_view> id = std::nullopt) = 0;

  virtual Counts counts() = 0;
};

}  // namespace snaplake::queue
