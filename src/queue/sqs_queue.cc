#include "queue/sqs_queue.h"

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace snaplake::queue {
namespace {

using nlohmann::json;

// SQS counts time in whole seconds; round a partial second up so nothing becomes visible early.
int64_t seconds_up(std::chrono::milliseconds d) {
  if (d.count() <= 0) return 0;
  return (d.count() + 999) / 1000;
}

json parse_answer(const std::string& text, std::string_view what) {
  if (text.empty()) return json::object();
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    fail(ErrorKind::Network, "cannot {}: the answer is not JSON: {}", what, e.what());
  }
}

uint64_t count_attribute(const json& attributes, const char* name) {
  auto it = attributes.find(name);
  if (it == attributes.end() || !it->is_string()) return 0;
  return std::stoull(it->get<std::string>());
}

// The message attributes dead_letter() gives a dead letter: why, and the id the message had in
// its own queue (the one the workers recorded and `snaplake status` shows).
constexpr const char* kCauseAttribute = "snaplake-cause";
constexpr const char* kMessageIdAttribute = "snaplake-message-id";

std::string string_attribute(const json& message, const char* name) {
  return message.value("MessageAttributes", json::object())
      .value(name, json::object())
      .value("StringValue", "");
}

// A dead letter's id is its message's id in the queue it came from: the attribute dead_letter()
// set, else (SQS's redrive policy moved it, keeping the message) its own MessageId.
std::string dead_letter_id(const json& message) {
  std::string id = string_attribute(message, kMessageIdAttribute);
  return id.empty() ? message.value("MessageId", "") : id;
}

}  // namespace

std::unique_ptr<SqsQueue> SqsQueue::open(std::shared_ptr<aws::AwsClient> client,
                                         std::string endpoint, std::string queue_url,
                                         std::string dead_letter_url) {
  std::unique_ptr<SqsQueue> q(new SqsQueue(std::move(client), std::move(endpoint),
                                           std::move(queue_url), std::move(dead_letter_url)));
  if (q->dead_letter_url_.empty()) {
    // The dead-letter queue of the queue's redrive policy, if it has one.
    json answer = parse_answer(
        q->call("GetQueueAttributes",
                json{{"QueueUrl", q->queue_url_}, {"AttributeNames", {"RedrivePolicy"}}}.dump(),
                "read the queue's attributes"),
        "read the queue's attributes");
    std::string policy = answer.value("Attributes", json::object()).value("RedrivePolicy", "");
    if (!policy.empty()) {
      std::string arn = json::parse(policy).value("deadLetterTargetArn", "");
      std::string name = arn.substr(arn.rfind(':') + 1);
      json url = parse_answer(
          q->call("GetQueueUrl", json{{"QueueName", name}}.dump(), "find the dead-letter queue"),
          "find the dead-letter queue");
      q->dead_letter_url_ = url.value("QueueUrl", "");
    }
  }
  return q;
}

std::string SqsQueue::call(std::string_view action, const std::string& body,
                           std::string_view what) const {
  return client_->json_call("sqs", endpoint_, fmt::format("AmazonSQS.{}", action), body,
                            fmt::format("{} ({})", what, queue_url_));
}

std::string SqsQueue::send_to(const std::string& url, std::string_view body,
                              std::chrono::milliseconds delay, std::string_view cause,
                              std::string_view origin_id) const {
  json request = {{"QueueUrl", url}, {"MessageBody", body}, {"DelaySeconds", seconds_up(delay)}};
  json attributes = json::object();
  if (!cause.empty()) {
    attributes[kCauseAttribute] = {{"DataType", "String"}, {"StringValue", cause}};
  }
  if (!origin_id.empty()) {
    attributes[kMessageIdAttribute] = {{"DataType", "String"}, {"StringValue", origin_id}};
  }
  if (!attributes.empty()) request["MessageAttributes"] = std::move(attributes);
  json answer =
      parse_answer(call("SendMessage", request.dump(), "send a message"), "send a message");
  return answer.value("MessageId", "");
}

std::string SqsQueue::send(std::string_view body, std::chrono::milliseconds delay) {
  if (delay > std::chrono::minutes(15)) {
    fail(ErrorKind::InvalidInput, "SQS delays a message at most 15 minutes, not {} s",
         seconds_up(delay));
  }
  return send_to(queue_url_, body, delay, {}, {});
}

std::vector<Message> SqsQueue::receive(int max, std::chrono::milliseconds visibility,
                                       std::chrono::milliseconds wait) {
  if (max < 1 || max > 10) {
    fail(ErrorKind::InvalidInput, "cannot receive {} messages from SQS (1 to 10)", max);
  }
  json request = {{"QueueUrl", queue_url_},
                  {"MaxNumberOfMessages", max},
                  {"VisibilityTimeout", seconds_up(visibility)},
                  {"WaitTimeSeconds", std::min<int64_t>(20, seconds_up(wait))},
                  {"AttributeNames", {"ApproximateReceiveCount"}},
                  {"MessageSystemAttributeNames", {"ApproximateReceiveCount"}}};
  json answer =
      parse_answer(call("ReceiveMessage", request.dump(), "receive messages"), "receive messages");
  std::vector<Message> out;
  for (const json& m : answer.value("Messages", json::array())) {
    Message message;
    message.id = m.value("MessageId", "");
    message.body = m.value("Body", "");
    message.receipt = m.value("ReceiptHandle", "");
    message.receive_count = static_cast<int>(
        count_attribute(m.value("Attributes", json::object()), "ApproximateReceiveCount"));
    if (message.receive_count == 0) message.receive_count = 1;
    out.push_back(std::move(message));
  }
  return out;
}

void SqsQueue::remove(std::string_view receipt) {
  json request = {{"QueueUrl", queue_url_},
                  {"Entries", {{{"Id", "m0"}, {"ReceiptHandle", receipt}}}}};
  json answer = parse_answer(call("DeleteMessageBatch", request.dump(), "delete a message"),
                             "delete a message");
  for (const json& failed : answer.value("Failed", json::array())) {
    // A stale receipt is not an error (queue.h); anything else is.
    std::string code = failed.value("Code", "");
    if (code != "ReceiptHandleIsInvalid") {
      fail(ErrorKind::Network, "cannot delete a message ({}): {} {}", queue_url_, code,
           failed.value("Message", ""));
    }
  }
}

void SqsQueue::change_visibility(std::string_view receipt, std::chrono::milliseconds visibility) {
  try {
    call("ChangeMessageVisibility",
         json{{"QueueUrl", queue_url_},
              {"ReceiptHandle", receipt},
              {"VisibilityTimeout", seconds_up(visibility)}}
             .dump(),
         "change a message's visibility");
  } catch (const aws::AwsError& e) {
    if (e.status() >= 400 && e.status() < 500) throw Error(ErrorKind::Conflict, e.what());
    throw;
  }
}

void SqsQueue::dead_letter(const Message& message, std::string_view cause,
                           std::optional<std::string_view> body) {
  if (dead_letter_url_.empty()) {
    fail(ErrorKind::Config,
         "cannot dead-letter message {} of {}: the queue has no dead-letter queue (give one in "
         "the configuration or a RedrivePolicy on the queue); cause: {}",
         message.id, queue_url_, cause);
  }
  send_to(dead_letter_url_, body ? *body : std::string_view(message.body), {}, cause, message.id);
  remove(message.receipt);
}

std::vector<DeadLetter> SqsQueue::dead_letters(size_t limit) {
  std::vector<DeadLetter> out;
  if (dead_letter_url_.empty()) return out;
  // A look without taking: received with visibility 0, so they stay where they are.
  while (out.size() < limit) {
    json request = {{"QueueUrl", dead_letter_url_},
                    {"MaxNumberOfMessages", std::min<size_t>(10, limit - out.size())},
                    {"VisibilityTimeout", 0},
                    {"WaitTimeSeconds", 0},
                    {"AttributeNames", {"All"}},
                    {"MessageSystemAttributeNames", {"All"}},
                    {"MessageAttributeNames", {"All"}}};
    json answer = parse_answer(call("ReceiveMessage", request.dump(), "look at dead letters"),
                               "look at dead letters");
    auto messages = answer.value("Messages", json::array());
    if (messages.empty()) break;
    bool added = false;
    for (const json& m : messages) {
      std::string id = dead_letter_id(m);
      bool seen = false;
      for (const auto& d : out) seen |= d.id == id;
      if (seen) continue;
      DeadLetter d;
      d.id = id;
      d.body = m.value("Body", "");
      json attributes = m.value("Attributes", json::object());
      d.receive_count = static_cast<int>(count_attribute(attributes, "ApproximateReceiveCount"));
      d.cause = string_attribute(m, kCauseAttribute);
      if (d.cause.empty()) d.cause = "moved by the queue's redrive policy";
      d.when = std::chrono::system_clock::time_point(
          std::chrono::milliseconds(count_attribute(attributes, "SentTimestamp")));
      out.push_back(std::move(d));
      added = true;
    }
    if (!added) break;
  }
  return out;
}

// Receive-and-send rather than StartMessageMoveTask: a move task moves every message and runs
// on its own, after the call returns, while a redrive of one id must pick that message, and the
// command should say what it moved when it has moved it
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html).
// Each dead letter is received for a while, sent here as a new message (receive count 0, no
// cause), then deleted from the dead-letter queue. With an id, the others received on the way
// are made visible again at once.
std::vector<std::string> SqsQueue::redrive(std::optional<std::string_view> id) {
  if (dead_letter_url_.empty()) {
    if (id) {
      fail(ErrorKind::NotFound, "{} has no dead-letter queue, so no dead letter '{}'", queue_url_,
           *id);
    }
    return {};
  }
  constexpr int kHoldSeconds = 60;  // long enough to send and delete a batch
  std::vector<std::string> moved;
  std::vector<std::string> passed_over;  // receipts of dead letters that are not `id`
  auto release = [&] {
    for (const auto& receipt : passed_over) {
      try {
        call("ChangeMessageVisibility",
             json{{"QueueUrl", dead_letter_url_},
                  {"ReceiptHandle", receipt},
                  {"VisibilityTimeout", 0}}
                 .dump(),
             "release a dead letter");
      } catch (const std::exception&) {
        // Visible again after kHoldSeconds anyway: nothing is lost.
      }
    }
  };
  bool found = false;
  try {
    while (!found) {
      json request = {{"QueueUrl", dead_letter_url_},
                      {"MaxNumberOfMessages", 10},
                      {"VisibilityTimeout", kHoldSeconds},
                      {"WaitTimeSeconds", 0},
                      {"MessageAttributeNames", {kMessageIdAttribute}}};
      json answer = parse_answer(call("ReceiveMessage", request.dump(), "receive dead letters"),
                                 "receive dead letters");
      auto messages = answer.value("Messages", json::array());
      if (messages.empty()) break;
      for (const json& m : messages) {
        std::string receipt = m.value("ReceiptHandle", "");
        std::string this_id = dead_letter_id(m);
        if (id && this_id != *id) {
          passed_over.push_back(receipt);
          continue;
        }
        send_to(queue_url_, m.value("Body", ""), {}, {}, {});
        call("DeleteMessage",
             json{{"QueueUrl", dead_letter_url_}, {"ReceiptHandle", receipt}}.dump(),
             "delete a redriven dead letter");
        moved.push_back(std::move(this_id));
        if (id) found = true;
      }
    }
  } catch (...) {
    release();
    throw;
  }
  release();
  if (id && !found) {
    fail(ErrorKind::NotFound, "{} has no dead letter '{}'", dead_letter_url_, *id);
  }
  return moved;
}

Counts SqsQueue::counts() {
  auto attributes = [&](const std::string& url) {
    json answer = parse_answer(
        call("GetQueueAttributes",
             json{{"QueueUrl", url},
                  {"AttributeNames",
                   {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                    "ApproximateNumberOfMessagesDelayed"}}}
                 .dump(),
             "count messages"),
        "count messages");
    return answer.value("Attributes", json::object());
  };
  json a = attributes(queue_url_);
  Counts c;
  c.visible = count_attribute(a, "ApproximateNumberOfMessages");
  c.in_flight = count_attribute(a, "ApproximateNumberOfMessagesNotVisible");
  c.delayed = count_attribute(a, "ApproximateNumberOfMessagesDelayed");
  if (!dead_letter_url_.empty()) {
    c.dead = count_attribute(attributes(dead_letter_url_), "ApproximateNumberOfMessages");
  }
  return c;
}

}  // namespace snaplake::queue
