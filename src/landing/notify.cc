#include "landing/notify.h"

#include <nlohmann/json.hpp>

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
  if (target.kind == NotifyKind::None) return;
  // The AWS clients (src/aws) are not part of this build yet.
  fail(ErrorKind::Unsupported,
       "cannot notify '{}': sending SQS, SNS and Glue notifications needs the AWS client, which "
       "this build does not have yet",
       target.address);
}

void send_notice(const NotifyTarget& target, const LandingNotice& /*notice*/) {
  check_can_notify(target);
}

}  // namespace snaplake::landing
