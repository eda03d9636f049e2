#include "pipeline/queues.h"

#include "common/error.h"
#include "queue/sqlite_queue.h"

namespace snaplake::pipeline {

std::string_view to_string(QueueRole role) {
  return role == QueueRole::Events ? "events" : "tasks";
}

std::unique_ptr<queue::Queue> open_queue(const Config& config, QueueRole role, queue::Clock clock) {
  if (config.queue.backend == "sqlite") {
    return queue::SqliteQueue::open(
        config.queue.path, std::string(to_string(role)),
        {.max_receives = config.queue.max_receives, .clock = std::move(clock)});
  }
  fail(ErrorKind::Unsupported, "{}: [queue] backend \"{}\" is not available in this build",
       config.file, config.queue.backend);
}

}  // namespace snaplake::pipeline
