#include "pipeline/events.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "common/error.h"

namespace snaplake::pipeline {
namespace {

using ::testing::HasSubstr;

// An RDS notification wrapped in the SNS envelope exactly as SQS receives it from an SNS
// subscription without raw delivery.
std::string sns_envelope(const nlohmann::json& message) {
  return nlohmann::json{
      {"Type", "Notification"},
      {"MessageId", "95df01b4-ee98-5cb9-9903-4c221d41eb5e"},
      {"TopicArn", "arn:aws:sns:eu-west-2:123456789012:rds-snapshots"},
      {"Subject", "RDS Notification Message"},
      {"Message", message.dump()},
      {"Timestamp", "2021-11-07T17:43:52.001Z"},
      {"SignatureVersion", "1"},
      {"Signature", "EXAMPLE"},
      {"SigningCertURL", "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-x.pem"},
      {"UnsubscribeURL", "https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe"}}
      .dump();
}

nlohmann::json rds_message(std::string source_type, std::string source_id, std::string code,
                           std::string text) {
  return {{"Event Source", source_type},
          {"Event Time", "2021-11-07 17:43:51.876"},
          {"Identifier Link",
           "https://console.aws.amazon.com/rds/home?region=eu-west-2#snapshot:id=" + source_id},
          {"Source ID", source_id},
          {"Source ARN", "arn:aws:rds:eu-west-2:123456789012:snapshot:" + source_id},
          {"Event ID",
           "http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#" + code},
          {"Event Message", text}};
}

const SnapshotEvent& as_event(const ParsedEvent& parsed) {
  if (const auto* ignored = std::get_if<IgnoredEvent>(&parsed)) {
    ADD_FAILURE() << "ignored: " << ignored->reason;
    static SnapshotEvent empty;
    return empty;
  }
  return std::get<SnapshotEvent>(parsed);
}

TEST(Events, ManualSnapshotThroughSns) {
  auto e = as_event(parse_event(sns_envelope(rds_message(
      "db-snapshot", "social-care-manual-1", "RDS-EVENT-0042", "Manual snapshot created"))));
  EXPECT_EQ(e.origin, EventOrigin::RdsNotification);
  EXPECT_EQ(e.source_type, "db-snapshot");
  EXPECT_EQ(e.snapshot_id, "social-care-manual-1");
  EXPECT_EQ(e.instance_id, "");  // a manual snapshot's name says nothing of its instance
  EXPECT_EQ(e.event_id, "RDS-EVENT-0042");
  EXPECT_EQ(e.event_time, "2021-11-07T17:43:51.876Z");
  EXPECT_EQ(e.source_arn, "arn:aws:rds:eu-west-2:123456789012:snapshot:social-care-manual-1");
  EXPECT_EQ(e.message, "Manual snapshot created");
  EXPECT_FALSE(e.cluster);
}

TEST(Events, AutomatedSnapshotNamesItsInstance) {
  auto e = as_event(
      parse_event(sns_envelope(rds_message("db-snapshot", "rds:social-care-db-2021-11-07-17-40",
                                           "RDS-EVENT-0091", "Automated snapshot created"))));
  EXPECT_EQ(e.snapshot_id, "rds:social-care-db-2021-11-07-17-40");
  EXPECT_EQ(e.instance_id, "social-care-db");
}

TEST(Events, InstanceBackupFinished) {
  auto e = as_event(parse_event(sns_envelope(rds_message(
      "db-instance", "social-care-db", "RDS-EVENT-0002", "Finished DB Instance backup"))));
  EXPECT_EQ(e.instance_id, "social-care-db");
  EXPECT_EQ(e.snapshot_id, "");
  EXPECT_EQ(e.import_date, "");

  // A backdated run's import date; one that is no calendar date is refused as the message is read.
  auto backdated = as_event(
      parse_event(snaplake_event_json("social-care-db", "2026-11-25T14:00:00Z", "", "20240315")));
  EXPECT_EQ(backdated.import_date, "20240315");
  for (const char* bad : {"2024-03-15", "20240230", "2024031", "x"}) {
    EXPECT_THROW(
        parse_event(snaplake_event_json("social-care-db", "2026-11-25T14:00:00Z", "", bad)), Error)
        << bad;
  }
}

TEST(Events, ClusterSnapshots) {
  for (std::string code : {"RDS-EVENT-0075", "RDS-EVENT-0169"}) {
    auto e = as_event(
        parse_event(sns_envelope(rds_message("db-cluster-snapshot", "rds:aurora-1-2021-11-07-17-43",
                                             code, "Automated cluster snapshot created"))));
    EXPECT_TRUE(e.cluster);
    EXPECT_EQ(e.instance_id, "aurora-1");
  }
}

TEST(Events, RawMessageDelivery) {
  auto e = as_event(parse_event(
      rds_message("db-snapshot", "manual-2", "RDS-EVENT-0042", "Manual snapshot created").dump()));
  EXPECT_EQ(e.snapshot_id, "manual-2");
  EXPECT_EQ(e.origin, EventOrigin::RdsNotification);
}

TEST(Events, EventBridge) {
  std::string body = R"({
    "version": "0", "id": "844e2571-85d4-695f-b930-0153b71dcb42",
    "detail-type": "RDS DB Snapshot Event", "source": "aws.rds", "account": "123456789012",
    "time": "2018-10-06T12:26:13Z", "region": "us-east-1",
    "resources": ["arn:aws:rds:us-east-1:123456789012:snapshot:rds:snapshot-replica-2018-10-06-12-24"],
    "detail": {
      "EventCategories": ["creation"], "SourceType": "SNAPSHOT",
      "SourceArn": "arn:aws:rds:us-east-1:123456789012:snapshot:rds:snapshot-replica-2018-10-06-12-24",
      "Date": "2018-10-06T12:26:13.882Z",
      "SourceIdentifier": "rds:snapshot-replica-2018-10-06-12-24",
      "Message": "Automated snapshot created", "EventID": "RDS-EVENT-0091"
    }
  })";
  auto e = as_event(parse_event(body));
  EXPECT_EQ(e.origin, EventOrigin::EventBridge);
  EXPECT_EQ(e.source_type, "db-snapshot");
  EXPECT_EQ(e.instance_id, "snapshot-replica");
  EXPECT_EQ(e.event_time, "2018-10-06T12:26:13.882Z");
  EXPECT_EQ(e.event_id, "RDS-EVENT-0091");
}

TEST(Events, SnaplakesOwnRoundTrips) {
  auto e = as_event(parse_event(snaplake_event_json("social-care-db", "2026-11-25T14:00:00Z")));
  EXPECT_EQ(e.origin, EventOrigin::Snaplake);
  EXPECT_EQ(e.instance_id, "social-care-db");
  EXPECT_EQ(e.event_time, "2026-11-25T14:00:00Z");
  EXPECT_EQ(e.snapshot_id, "");
}

TEST(Events, NonEventsAreIgnoredNotErrors) {
  const std::string cases[] = {
      // The first message of a new subscription.
      nlohmann::json{{"Type", "Notification"},
                     {"Message",
                      "This is a message to notify that RDS will attempt to send you event "
                      "notifications of type db-snapshot to the topic arn:aws:sns:x"}}
          .dump(),
      nlohmann::json{{"Type", "SubscriptionConfirmation"}, {"Message", "You have chosen…"}}.dump(),
      sns_envelope(rds_message("db-snapshot", "s1", "RDS-EVENT-0040", "Creating manual snapshot")),
      sns_envelope(rds_message("db-snapshot", "s1", "RDS-EVENT-0041", "Deleted snapshot")),
      sns_envelope(rds_message("db-instance", "db1", "RDS-EVENT-0001", "Backing up DB instance")),
      sns_envelope(rds_message("db-instance", "db1", "RDS-EVENT-0006", "DB instance restarted")),
      R"({"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{}})",
  };
  for (const auto& body : cases) {
    auto parsed = parse_event(body);
    ASSERT_TRUE(std::holds_alternative<IgnoredEvent>(parsed)) << body;
    EXPECT_FALSE(std::get<IgnoredEvent>(parsed).reason.empty());
  }
}

TEST(Events, MalformedBodiesAreInvalidInputWithACause) {
  std::string good = sns_envelope(rds_message("db-snapshot", "s1", "RDS-EVENT-0042", "created"));
  struct Case {
    std::string body;
    std::string cause;
  };
  const Case cases[] = {
      {"", "malformed message"},
      {good.substr(0, good.size() / 2), "malformed message"},  // truncated
      {"not json at all", "malformed message"},
      {"[1,2,3]", "a JSON array"},
      {R"({"hello":"world"})", "not a snapshot event"},
      {R"({"Type":"Notification","Message":42})", "\"Message\" is number"},
      {R"({"Type":"Notification","Message":"{\"Event Source\":\"db-snapshot\""})",
       "malformed SNS notification Message"},
      {R"({"Type":"Notification","Message":"{\"foo\":1}"})", "not an RDS event"},
      {R"({"Event Source":"db-snapshot","Source ID":"x"})", "no \"Event ID\""},
      {R"({"Event Source":"db-snapshot","Event ID":"#RDS-EVENT-0042"})", "no source id"},
      {R"({"source":"aws.rds","detail-type":"RDS DB Snapshot Event","detail":"x"})", "detail"},
      {R"({"snaplake_event":"snapshot"})", "no \"instance_id\""},
      {R"({"snaplake_event":"delete","instance_id":"a"})", "unknown snaplake_event"},
      // Numbers beyond a double are the body's fault too, not an internal error.
      {R"({"snaplake_event":"snapshot","instance_id":"a","n":1e999})", "number overflow"},
      {R"({"Type":"Notification","Message":"{\"Event Source\":\"db-snapshot\",\"x\":-1e999}"})",
       "malformed SNS notification Message: number overflow"},
  };
  for (const auto& c : cases) {
    try {
      parse_event(c.body);
      ADD_FAILURE() << "accepted: " << c.body;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << c.body;
      EXPECT_THAT(e.what(), HasSubstr(c.cause)) << c.body;
    }
  }
}

TEST(ExportId, DeterministicDistinctAndValidForRds) {
  auto snapshot = [](std::string id, std::string time) {
    SnapshotEvent e;
    e.snapshot_id = std::move(id);
    e.event_time = std::move(time);
    return e;
  };
  auto a = snapshot("rds:social-care-db-2021-11-07-17-40", "2021-11-07T17:43:51.876Z");
  EXPECT_EQ(export_id_for("social-care-db", a), export_id_for("social-care-db", a));
  std::set<std::string> ids = {
      export_id_for("social-care-db", a),
      export_id_for("social-care-db", snapshot("manual-1", "2021-11-07T17:43:51.876Z")),
      export_id_for("housing", a),
      export_id_for("social-care-db", snapshot("", "2021-11-07T17:43:51.876Z")),
      export_id_for("social-care-db", snapshot("", "2021-11-07T17:43:52.000Z")),
  };
  EXPECT_EQ(ids.size(), 5u);
  // RDS ExportTaskIdentifier: a letter first, letters/digits/hyphens, no "--", no trailing '-'.
  static const std::regex valid("^[a-z](-?[a-z0-9])*$");
  for (std::string instance : std::vector<std::string>{"social-care-db", "9lives", "Über--DB__x",
                                                       std::string(100, 'x'), "-", ""}) {
    std::string id = export_id_for(instance, a);
    EXPECT_TRUE(std::regex_match(id, valid)) << id;
    EXPECT_LE(id.size(), 60u) << id;
  }
  EXPECT_THAT(export_id_for("social-care-db", a), HasSubstr("social-care-db-20211107t174351-"));
}

TEST(TaskMessage, RoundTripsAndStaysCompatibleWithTheReference) {
  TaskMessage t;
  t.export_task_identifier = "social-care-db-20211107t174351-0a1b2c3d";
  t.export_bucket = "/data/exports";
  t.engine = Engine::Postgres;
  t.instance_id = "social-care-db";
  t.export_location = "/data/exports/social-care-db-20211107t174351-0a1b2c3d";
  t.event_time = "2021-11-07T17:43:51.876Z";
  t.polls = 2;
  t.import_date = "20240315";
  auto j = nlohmann::json::parse(to_json(t));
  EXPECT_EQ(j["ImportDate"], "20240315");
  EXPECT_EQ(j["ExportTaskIdentifier"], t.export_task_identifier);
  EXPECT_EQ(j["Engine"], "postgres");
  EXPECT_EQ(j["ExportBucket"], t.export_bucket);
  auto back = parse_task_message(to_json(t));
  EXPECT_EQ(back.export_location, t.export_location);
  EXPECT_EQ(back.engine, Engine::Postgres);
  EXPECT_EQ(back.polls, 2);
  EXPECT_EQ(back.import_date, "20240315");

  // What the reference system's export function queues: an RDS export task.
  auto reference = parse_task_message(
      R"({"ExportTaskIdentifier": "sandbox-db-export-2021", "ExportBucket": "rds-export-bucket"})");
  EXPECT_EQ(reference.engine, Engine::Rds);
  EXPECT_EQ(reference.export_bucket, "rds-export-bucket");
}

TEST(TaskMessage, MalformedIsInvalidInput) {
  for (std::string body :
       {"", "{", R"({"ExportBucket":"b"})", R"({"ExportTaskIdentifier":1})",
        R"({"ExportTaskIdentifier":"x","Engine":"postgres"})", R"({"ExportTaskIdentifier":"x"})",
        R"({"ExportTaskIdentifier":"x","ExportBucket":"b","Engine":"oracle"})",
        // A native export (mysql as postgres) names where it is.
        R"({"ExportTaskIdentifier":"x","ExportBucket":"b","Engine":"mysql"})",
        R"({"ExportTaskIdentifier":"x","ExportBucket":"b","Polls":-1})",
        R"({"ExportTaskIdentifier":"x","ExportBucket":"b","Polls":1e999})",
        R"({"ExportTaskIdentifier":"x","ExportBucket":"b","Polls":4294967296})"}) {
    try {
      parse_task_message(body);
      ADD_FAILURE() << "accepted: " << body;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << body;
      EXPECT_THAT(e.what(), HasSubstr("export-task message")) << body;
    }
  }
}

}  // namespace
}  // namespace snaplake::pipeline
