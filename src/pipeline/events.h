// Snapshot events in, export-task messages out: the pipeline's two message contracts
// (docs/messages.md). Pure functions, no I/O.
//
// Accepted event forms (all from one queue body):
// - An RDS event notification delivered through SNS into SQS: the SNS envelope
//   {"Type":"Notification","Message":"<json string>",…} whose Message has "Event Source",
//   "Event Time", "Identifier Link", "Source ID", "Source ARN", "Event ID" (a documentation URL
//   ending in #RDS-EVENT-NNNN) and "Event Message"
//   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html).
// - The same Message without the envelope (SNS raw message delivery).
// - The EventBridge form: {"source":"aws.rds","detail-type":…,"detail":{"SourceIdentifier",
//   "SourceType","SourceArn","EventID","Date","Message"}}.
// - snaplake's own: {"snaplake_event":"snapshot","instance_id":…,"event_time":…} from
//   `snaplake snapshot`.
// Events that announce a finished snapshot or backup are kept; everything else that is
// well-formed (the "RDS will attempt to send you event notifications" greeting, SNS subscription
// confirmations, other RDS events) is Ignored with a reason. Anything malformed is
// Error(InvalidInput) with the cause.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "pipeline/engine.h"

namespace snaplake::pipeline {

enum class EventOrigin { RdsNotification, EventBridge, Snaplake };
std::string_view to_string(EventOrigin origin);

struct SnapshotEvent {
  EventOrigin origin = EventOrigin::Snaplake;
  std::string source_type;  // "db-instance", "db-snapshot", "db-cluster-snapshot", "snaplake"
  std::string source_id;    // as the event names it (an instance or a snapshot identifier)
  // The instance the snapshot is of, where the event tells it: the source of an instance event,
  // snaplake's own event, or an automated snapshot named "rds:<instance>-YYYY-MM-DD-HH-MM".
  // "" when only the snapshot is known (a manual snapshot): the export stage resolves it.
  std::string instance_id;
  std::string snapshot_id;  // "" for instance backup events and snaplake's own: the latest
  std::string source_arn;
  std::string event_id;    // "RDS-EVENT-0042"; "SNAPLAKE-SNAPSHOT" for snaplake's own
  std::string event_time;  // ISO-8601 UTC ("2021-11-07T17:43:51.876Z"), "" if none given
  std::string message;     // "Event Message" / detail.Message
  bool cluster = false;    // an Aurora cluster snapshot
  // snaplake's own events: a backdated run's import date, "YYYYMMDD" ("" = none)
  std::string import_date;
};

struct IgnoredEvent {
  std::string reason;
};

using ParsedEvent = std::variant<SnapshotEvent, IgnoredEvent>;

// Throws Error(InvalidInput) for a malformed or unrecognisable body.
ParsedEvent parse_event(std::string_view body);

// snaplake's own event, as `snaplake snapshot` publishes it.
std::string snaplake_event_json(std::string_view instance_id, std::string_view event_time,
                                std::string_view snapshot_id = {},
                                std::string_view import_date = {});

// A deterministic export id for an event of an instance: the same event delivered again gives
// the same id, so a redelivered event replaces its export instead of adding another. Valid as
// an RDS ExportTaskIdentifier (letters, digits and single hyphens, starting with a letter,
// at most 60 characters).
std::string export_id_for(std::string_view instance_id, const SnapshotEvent& event);

// The export-task message: compatible with the reference system's
// {"ExportTaskIdentifier", "ExportBucket"}, plus snaplake's own fields.
struct TaskMessage {
  std::string export_task_identifier;
  std::string export_bucket;    // the S3 bucket (rds engine / s3 export root) or the export root
  Engine engine = Engine::Rds;  // the reference system's message names none: rds
  std::string instance_id;
  std::string snapshot_id;
  std::string export_location;  // <export root>/<export id> (native engine)
  std::string source_arn;
  std::string event_time;
  std::string import_date;  // "YYYYMMDD": land into this partition date (a backdated run)
  int polls = 0;  // how many times the land stage found the export not finished
};

std::string to_json(const TaskMessage& task);
// Throws Error(InvalidInput) for a malformed body or one without ExportTaskIdentifier.
TaskMessage parse_task_message(std::string_view body);

}  // namespace snaplake::pipeline
