// The notification sent after a complete landing (docs/layouts.md, "The notification"): an SQS
// message, an SNS publish, or a Glue StartWorkflowRun (as the reference copier starts a Glue
// workflow), carrying the database, export id, import date and tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace snaplake::aws {
struct AwsSession;
}

namespace snaplake::landing {

enum class NotifyKind { None, Sqs, Sns, Glue };

struct NotifyTarget {
  NotifyKind kind = NotifyKind::None;
  std::string address;  // queue URL, topic ARN or workflow name
};

// Parses "", "sqs:<queue URL>", "sns:<topic ARN>" or "glue:<workflow name>". Throws
// Error(InvalidInput) for anything else.
NotifyTarget parse_notify_target(std::string_view text);

struct LandingNotice {
  std::string export_id;
  std::string import_date;             // YYYYMMDD
  std::vector<std::string> databases;  // as in the landing layout
  std::vector<std::string> tables;     // db.schema.table
  std::string manifest;                // where the landing manifest is
};

// The JSON body sent to SQS/SNS (and the Glue run properties' source).
std::string notice_json(const LandingNotice& notice);

// Throws Error(InvalidInput) when the address cannot be right for its kind (so that a landing
// refuses before copying anything rather than after).
void check_can_notify(const NotifyTarget& target);

// Sends the notice with the session's client (its region, endpoints and credentials chain;
// retries). Throws on failure; the caller does not mark the landing done until it has.
void send_notice(const NotifyTarget& target, const LandingNotice& notice,
                 const aws::AwsSession& session);

}  // namespace snaplake::landing
