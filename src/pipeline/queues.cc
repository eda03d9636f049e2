#include "pipeline/queues.h"

#include "common/error.h"
#include "queue/sqlite_queue.h"
#include "queue/sqs_queue.h"

namespace snaplake::pipeline {

std::string_view to_string(QueueRole role) {
  return role == QueueRole::Events ? "events" : "tasks";
}

std::unique_ptr<queue::Queue> open_queue(const Config& config, QueueRole role,
                                         std::shared_ptr<const aws::AwsSession> aws,
                                         queue::Clock clock) {
  switch (config.queue.backend) {
    case QueueBackend::Sqlite:
      return queue::SqliteQueue::open(
          config.queue.path, std::string(to_string(role)),
          {.max_receives = config.queue.max_receives, .clock = std::move(clock)});
    case QueueBackend::Sqs: {
      bool events = role == QueueRole::Events;
      if (!aws) fail(ErrorKind::Internal, "an SQS queue needs the process's AWS session");
      return queue::SqsQueue::open(
          aws->client, aws->endpoint("SQS", "sqs"),
          events ? config.queue.events_url : config.queue.tasks_url,
          events ? config.queue.events_dlq_url : config.queue.tasks_dlq_url);
    }
  }
  fail(ErrorKind::Internal, "{}: [queue] backend {} has no queue", config.file,
       static_cast<int>(config.queue.backend));
}

}  // namespace snaplake::pipeline
