#include "pipeline/queues.h"

#include "aws/config.h"
#include "aws/credentials.h"
#include "aws/http_client.h"
#include "common/error.h"
#include "queue/sqlite_queue.h"
#include "queue/sqs_queue.h"

namespace snaplake::pipeline {

std::string_view to_string(QueueRole role) {
  return role == QueueRole::Events ? "events" : "tasks";
}

std::shared_ptr<aws::AwsClient> aws_client(const Config& config) {
  auto env = aws::process_environment();
  aws::AwsConfig aws_config = aws::AwsConfig::from_environment(env);
  if (!config.aws.region.empty()) aws_config.region = config.aws.region;
  if (!config.aws.endpoint_url.empty()) aws_config.endpoint_url = config.aws.endpoint_url;
  auto http = aws::HttpClient::create();
  return std::make_shared<aws::AwsClient>(http, aws::default_credentials(env, aws_config, http),
                                          aws_config.region);
}

std::string sqs_endpoint(const Config& config) {
  auto env = aws::process_environment();
  aws::AwsConfig aws_config = aws::AwsConfig::from_environment(env);
  if (!config.aws.region.empty()) aws_config.region = config.aws.region;
  if (!config.aws.endpoint_url.empty()) aws_config.endpoint_url = config.aws.endpoint_url;
  return aws_config.endpoint_for("SQS", "sqs");
}

std::unique_ptr<queue::Queue> open_queue(const Config& config, QueueRole role, queue::Clock clock) {
  switch (config.queue.backend) {
    case QueueBackend::Sqlite:
      return queue::SqliteQueue::open(
          config.queue.path, std::string(to_string(role)),
          {.max_receives = config.queue.max_receives, .clock = std::move(clock)});
    case QueueBackend::Sqs: {
      bool events = role == QueueRole::Events;
      return queue::SqsQueue::open(
          aws_client(config), sqs_endpoint(config),
          events ? config.queue.events_url : config.queue.tasks_url,
          events ? config.queue.events_dlq_url : config.queue.tasks_dlq_url);
    }
  }
  fail(ErrorKind::Internal, "{}: [queue] backend {} has no queue", config.file,
       static_cast<int>(config.queue.backend));
}

}  // namespace snaplake::pipeline
