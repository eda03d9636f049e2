// The SQS backend runs the conformance suite against moto_server (SNAPLAKE_TEST_S3_ENDPOINT;
// skipped when unset). Each test gets a fresh queue with a dead-letter queue in its
// RedrivePolicy, created through the same JSON protocol.
#include "queue/sqs_queue.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "aws/credentials.h"
#include "aws/http_client.h"
#include "queue/queue_conformance_test.h"

namespace snaplake::queue {
namespace {

using nlohmann::json;

std::shared_ptr<aws::AwsClient> moto_client() {
  return std::make_shared<aws::AwsClient>(
      aws::HttpClient::create(), aws::static_credentials({"testing", "testing", "", {}}),
      "eu-west-2",
      aws::RetryPolicy{3, std::chrono::milliseconds(5), std::chrono::milliseconds(50)});
}

std::string create_queue(aws::AwsClient& client, const std::string& endpoint,
                         const std::string& name, json attributes = json::object()) {
  json body = {{"QueueName", name}};
  if (!attributes.empty()) body["Attributes"] = attributes;
  return json::parse(client.json_call("sqs", endpoint, "AmazonSQS.CreateQueue", body.dump(),
                                      "create a test queue"))
      .at("QueueUrl")
      .get<std::string>();
}

QueueBackend sqs_backend() {
  return QueueBackend{
      "sqs",
      [](int max_receives) -> std::unique_ptr<Queue> {
        const char* endpoint = std::getenv("SNAPLAKE_TEST_S3_ENDPOINT");
        if (!endpoint) return nullptr;
        static std::atomic<int> counter{0};
        auto client = moto_client();
        std::string base = fmt::format("snaplake-conformance-{}-{}", getpid(), counter++);
        std::string dlq = create_queue(*client, endpoint, base + "-dlq");
        json dlq_attributes = json::parse(client->json_call(
            "sqs", endpoint, "AmazonSQS.GetQueueAttributes",
            json{{"QueueUrl", dlq}, {"AttributeNames", {"QueueArn"}}}.dump(), "read the DLQ"));
        std::string policy = json{{"deadLetterTargetArn", dlq_attributes["Attributes"]["QueueArn"]},
                                  {"maxReceiveCount", std::to_string(max_receives)}}
                                 .dump();
        std::string url = create_queue(*client, endpoint, base, {{"RedrivePolicy", policy}});
        return SqsQueue::open(client, endpoint, url);
      },
      [](Queue& queue) -> std::unique_ptr<Queue> {
        return SqsQueue::open(moto_client(), std::getenv("SNAPLAKE_TEST_S3_ENDPOINT"),
                              queue.describe());
      }};
}

INSTANTIATE_TEST_SUITE_P(Sqs, QueueConformance, ::testing::Values(sqs_backend()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace snaplake::queue
