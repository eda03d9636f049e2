#include "landing/notify.h"

#include <nlohmann/json.hpp>

#include "aws/aws_client.h"
#include "aws/session.h"
#include "common/error.h"

namespace snaplake::landing {

NotifyTarget parse_notify_target(std::string_view text) {
  if (text.empty()) return {};
  auto colon = text.find(':');
  std::string_view scheme = text.substr(0, colon);
  std::string_view address = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  NotifyKind kind = NotifyKind::None;
  if (scheme == "sqs") kind = NotifyKind::Sqs;
  if (scheme == "sns") kind = NotifyKind::Sns;
  if (scheme == "glue") kind = NotifyKind::Glue;
  if (kind == NotifyKind::None || address.empty()) {
    fail(ErrorKind::InvalidInput,
         "invalid notification target '{}': use sqs:<queue URL>, sns:<topic ARN> or "
         "glue:<workflow name>",
         text);
  }
  return NotifyTarget{kind, std::string(address)};
}

std::string notice_json(const LandingNotice& notice) {
  nlohmann::ordered_json j;
  j["event"] = "snaplake.landing.complete";
  j["exportId"] = notice.export_id;
  j["importDate"] = notice.import_date;
  j["databases"] = notice.databases;
  j["tables"] = notice.tables;
  j["manifest"] = notice.manifest;
  return j.dump();
}

void check_can_notify(const NotifyTarget& target) {
  if (target.kind == NotifyKind::Glue && target.address.find_first_of("/ ") != std::string::npos) {
    fail(ErrorKind::InvalidInput, "invalid Glue workflow name '{}'", target.address);
  }
  if (target.kind == NotifyKind::Sns && !target.address.starts_with("arn:")) {
    fail(ErrorKind::InvalidInput, "invalid SNS topic '{}': expected its ARN", target.address);
  }
  if (target.kind == NotifyKind::Sqs && !target.address.starts_with("http")) {
    fail(ErrorKind::InvalidInput, "invalid SQS queue '{}': expected its URL", target.address);
  }
}

void send_notice(const NotifyTarget& target, const LandingNotice& notice,
                 const aws::AwsSession& session) {
  if (target.kind == NotifyKind::None) return;
  const aws::AwsConfig& config = session.config;
  aws::AwsClient& client = *session.client;
  const std::string body = notice_json(notice);
  switch (target.kind) {
    case NotifyKind::Sqs: {
      // SQS JSON protocol, SendMessage (API reference: QueueUrl, MessageBody).
      nlohmann::json request = {{"QueueUrl", target.address}, {"MessageBody", body}};
      client.json_call("sqs", config.endpoint_for("SQS", "sqs"), "AmazonSQS.SendMessage",
                       request.dump(),
                       fmt::format("send the landing notice to '{}'", target.address));
      break;
    }
    case NotifyKind::Sns:
      // SNS query protocol, Publish (TopicArn, Subject, Message).
      client.query_call("sns", config.endpoint_for("SNS", "sns"), "Publish", "2010-03-31",
                        {{"TopicArn", target.address},
                         {"Subject", "snaplake landing " + notice.export_id},
                         {"Message", body}},
                        fmt::format("publish the landing notice to '{}'", target.address));
      break;
    case NotifyKind::Glue: {
      // Glue JSON 1.1 protocol, StartWorkflowRun (Name, RunProperties: string -> string), as the
      // reference copier starts the workflow that crawls the raw zone.
      auto join = [](const std::vector<std::string>& items) {
        std::string out;
        for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
        return out;
      };
      nlohmann::json request = {{"Name", target.address},
                                {"RunProperties",
                                 {{"exportId", notice.export_id},
                                  {"importDate", notice.import_date},
                                  {"databases", join(notice.databases)},
                                  {"tables", join(notice.tables)},
                                  {"manifest", notice.manifest}}}};
      client.json_call("glue", config.endpoint_for("GLUE", "glue"), "AWSGlue.StartWorkflowRun",
                       request.dump(), fmt::format("start the Glue workflow '{}'", target.address),
                       "1.1");
      break;
    }
    case NotifyKind::None:
      break;
  }
}

}  // namespace snaplake::landing
