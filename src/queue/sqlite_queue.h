// The embedded queue: SQS semantics (queue.h) in one SQLite file that several processes on one
// machine share. Many named queues live in one file (the pipeline's "events" and "tasks").
// A receive claims messages in one IMMEDIATE transaction (UPDATE … RETURNING), so two workers
// never receive the same message while it is invisible. Times come from an injectable clock, so
// the state machine is tested without sleeping.
#pragma once

#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "queue/queue.h"
#include "queue/sqlite.h"

namespace snaplake::queue {

struct SqliteQueueOptions {
  int max_receives = 4;  // receives before the next one dead-letters the message
  Clock clock = system_clock();
};

class SqliteQueue final : public Queue {
 public:
  static std::unique_ptr<SqliteQueue> open(const std::string& path, std::string name,
                                           SqliteQueueOptions options = {});

  std::string describe() const override;
  std::string send(std::string_view body, std::chrono::milliseconds delay = {}) override;
  std::vector<Message> receive(int max, std::chrono::milliseconds visibility,
                               std::chrono::milliseconds wait = {}) override;
  void remove(std::string_view receipt) override;
  void change_visibility(std::string_view receipt, std::chrono::milliseconds visibility) override;
  void dead_letter(const Message& message, std::string_view cause,
                   std::optional<std::string_view> body = std::nullopt) override;
  std::vector<DeadLetter> dead_letters(size_t limit = 100) override;
  std::vector<std::string> redrive(std::optional<std::string_view> id = std::nullopt) override;
  Counts counts() override;

 private:
  SqliteQueue(std::unique_ptr<sqlite::Database> db, std::string name, SqliteQueueOptions options);
  int64_t now_ms() const;
  // Records a dead letter; the caller removes the message in the same transaction.
  void insert_dead_letter(int64_t id, std::string_view body, int64_t receive_count,
                          std::string_view cause, int64_t now);
  std::vector<Message> claim(int max, std::chrono::milliseconds visibility);

  std::unique_ptr<sqlite::Database> db_;
  std::string name_;
  SqliteQueueOptions options_;
  std::mt19937_64 random_;
  // One connection, used by one thread at a time (a worker and its heartbeat share it).
  std::mutex mutex_;
};

}  // namespace snaplake::queue
