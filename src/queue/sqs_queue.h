// Amazon SQS behind the Queue interface, over SQS's JSON protocol (X-Amz-Target
// AmazonSQS.<Action>, application/x-amz-json-1.0;
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/) and the aws layer's
// signed-request helper. receive() long-polls (WaitTimeSeconds, at most 20 s).
//
// Dead letters: SQS itself moves a message to the queue's dead-letter queue after the redrive
// policy's maxReceiveCount. dead_letter() moves one there at once: it sends the body to the
// dead-letter queue with the cause as the message attribute "snaplake-cause" and the message's
// id as "snaplake-message-id" (a dead letter's id is its message's, whichever moved it), then
// deletes it.
// The dead-letter queue is the one given, else the one in the queue's RedrivePolicy.
#pragma once

#include <memory>
#include <string>

#include "aws/aws_client.h"
#include "queue/queue.h"

namespace snaplake::queue {

class SqsQueue final : public Queue {
 public:
  // `endpoint` is the SQS service endpoint (AwsConfig::endpoint_for("SQS", "sqs")).
  static std::unique_ptr<SqsQueue> open(std::shared_ptr<aws::AwsClient> client,
                                        std::string endpoint, std::string queue_url,
                                        std::string dead_letter_url = {});

  std::string describe() const override { return queue_url_; }
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

  const std::string& dead_letter_url() const { return dead_letter_url_; }

 private:
  SqsQueue(std::shared_ptr<aws::AwsClient> client, std::string endpoint, std::string queue_url,
           std::string dead_letter_url)
      : client_(std::move(client)),
        endpoint_(std::move(endpoint)),
        queue_url_(std::move(queue_url)),
        dead_letter_url_(std::move(dead_letter_url)) {}
  std::string call(std::string_view action, const std::string& body, std::string_view what) const;
  // Sends with the attributes dead_letter() gives: `cause` and `origin_id` when not empty.
  std::string send_to(const std::string& url, std::string_view body,
                      std::chrono::milliseconds delay, std::string_view cause,
                      std::string_view origin_id) const;

  std::shared_ptr<aws::AwsClient> client_;
  std::string endpoint_;
  std::string queue_url_;
  std::string dead_letter_url_;
};

}  // namespace snaplake::queue
