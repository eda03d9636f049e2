#include "pipeline/events.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/error.h"
#include "landing/landing_layout.h"

namespace snaplake::pipeline {
namespace {

using nlohmann::json;

constexpr size_t kShownBody = 120;

std::string excerpt(std::string_view body) {
  std::string out(body.substr(0, kShownBody));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (body.size() > kShownBody) out += "…";
  return out;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the cause only.
std::string json_cause(const json::exception& e) {
  std::string_view what = e.what();
  if (auto close = what.find("] "); close != std::string_view::npos) what.remove_prefix(close + 2);
  return std::string(what);
}

// Every nlohmann exception is about the body: a syntax error (parse_error), but also a number
// beyond a double such as 1e999 (out_of_range.406) and whatever else the parser refuses.
json parse_json(std::string_view text, std::string_view what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    fail(ErrorKind::InvalidInput, "malformed {}: {} (body: '{}')", what, json_cause(e),
         excerpt(text));
  }
}

// A string member, "" when absent; Error(InvalidInput) when present with another type.
std::string string_field(const json& object, std::string_view key, std::string_view what) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) {
    fail(ErrorKind::InvalidInput, "malformed {}: \"{}\" is {}, expected a string", what, key,
         it->type_name());
  }
  return it->get<std::string>();
}

std::string required_field(const json& object, std::string_view key, std::string_view what) {
  std::string value = string_field(object, key, what);
  if (value.empty()) fail(ErrorKind::InvalidInput, "malformed {}: no \"{}\"", what, key);
  return value;
}

// "http://docs.amazonwebservices.com/…/USER_Events.html#RDS-EVENT-0042" -> "RDS-EVENT-0042"
std::string event_code(std::string_view event_id) {
  if (auto hash = event_id.rfind('#'); hash != std::string_view::npos) {
    event_id.remove_prefix(hash + 1);
  }
  return std::string(event_id);
}

// RDS notifications say "2021-11-07 17:43:51.876" (UTC); EventBridge already ISO-8601.
std::string iso_time(std::string text) {
  static const std::regex rds(R"(^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(\.\d+)?)$)");
  std::smatch m;
  if (std::regex_match(text, m, rds)) return fmt::format("{}T{}Z", m[1].str(), m[2].str());
  return text;
}

// Automated snapshots are named "rds:<instance>-YYYY-MM-DD-HH-MM".
std::string instance_of_automated_snapshot(const std::string& snapshot_id) {
  static const std::regex automated(R"(^rds:(.+)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$)");
  std::smatch m;
  if (std::regex_match(snapshot_id, m, automated)) return m[1].str();
  return {};
}

struct Trigger {
  std::string_view source_type;
  std::string_view code;
};

// The events that announce a snapshot that can be exported (USER_Events.Messages.html).
constexpr Trigger kTriggers[] = {
    {"db-instance", "RDS-EVENT-0002"},          // Finished DB instance backup
    {"db-snapshot", "RDS-EVENT-0042"},          // A manual DB snapshot has been created
    {"db-snapshot", "RDS-EVENT-0091"},          // An automated DB snapshot has been created
    {"db-cluster-snapshot", "RDS-EVENT-0075"},  // A manual DB cluster snapshot has been created
    {"db-cluster-snapshot", "RDS-EVENT-0169"},  // Automated cluster snapshot created
};

bool is_trigger(std::string_view source_type, std::string_view code) {
  for (const auto& t : kTriggers) {
    if (t.source_type == source_type && t.code == code) return true;
  }
  return false;
}

// EventBridge's detail.SourceType -> the notification's "Event Source".
std::string source_type_from_eventbridge(std::string_view type) {
  if (type == "DB_INSTANCE") return "db-instance";
  if (type == "SNAPSHOT") return "db-snapshot";
  if (type == "CLUSTER_SNAPSHOT") return "db-cluster-snapshot";
  if (type == "CLUSTER") return "db-cluster";
  std::string out;
  for (char c : type) out += c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return out;
}

ParsedEvent build_rds_event(EventOrigin origin, std::string source_type, std::string source_id,
                            std::string source_arn, std::string code, std::string time,
                            std::string message, std::string_view what) {
  if (!is_trigger(source_type, code)) {
    return IgnoredEvent{fmt::format("{} from {} '{}' does not announce a new snapshot ({})", code,
                                    source_type, source_id, message)};
  }
  if (source_id.empty()) fail(ErrorKind::InvalidInput, "malformed {}: no source id", what);
  SnapshotEvent event;
  event.origin = origin;
  event.source_type = std::move(source_type);
  event.source_id = source_id;
  event.source_arn = std::move(source_arn);
  event.event_id = std::move(code);
  event.event_time = iso_time(std::move(time));
  event.message = std::move(message);
  if (event.source_type == "db-instance") {
    event.instance_id = source_id;
  } else {
    event.snapshot_id = source_id;
    event.cluster = event.source_type == "db-cluster-snapshot";
    event.instance_id = instance_of_automated_snapshot(source_id);
  }
  return event;
}

// The RDS notification message: {"Event Source", "Event Time", "Source ID", "Event ID", …}.
ParsedEvent parse_rds_message(const json& m) {
  constexpr std::string_view what = "RDS event";
  std::string source_type = required_field(m, "Event Source", what);
  std::string code = event_code(required_field(m, "Event ID", what));
  return build_rds_event(EventOrigin::RdsNotification, source_type,
                         string_field(m, "Source ID", what), string_field(m, "Source ARN", what),
                         code, string_field(m, "Event Time", what),
                         string_field(m, "Event Message", what), what);
}

ParsedEvent parse_eventbridge(const json& e) {
  constexpr std::string_view what = "EventBridge event";
  std::string source = string_field(e, "source", what);
  if (source != "aws.rds") {
    return IgnoredEvent{fmt::format("an EventBridge event from '{}', not aws.rds", source)};
  }
  const json& detail = e.at("detail");
  if (!detail.is_object())
    fail(ErrorKind::InvalidInput, "malformed {}: detail is not an object", what);
  std::string time = string_field(detail, "Date", what);
  if (time.empty()) time = string_field(e, "time", what);
  return build_rds_event(EventOrigin::EventBridge,
                         source_type_from_eventbridge(string_field(detail, "SourceType", what)),
                         string_field(detail, "SourceIdentifier", what),
                         string_field(detail, "SourceArn", what),
                         event_code(required_field(detail, "EventID", what)), time,
                         string_field(detail, "Message", what), what);
}

ParsedEvent parse_snaplake(const json& e) {
  constexpr std::string_view what = "snaplake event";
  std::string kind = string_field(e, "snaplake_event", what);
  if (kind != "snapshot") {
    fail(ErrorKind::InvalidInput, "malformed {}: unknown snaplake_event '{}'", what, kind);
  }
  SnapshotEvent event;
  event.origin = EventOrigin::Snaplake;
  event.source_type = "snaplake";
  event.instance_id = required_field(e, "instance_id", what);
  event.source_id = event.instance_id;
  event.snapshot_id = string_field(e, "snapshot_id", what);
  event.event_time = string_field(e, "event_time", what);
  event.import_date = string_field(e, "import_date", what);
  if (!event.import_date.empty() && !landing::parse_import_date(event.import_date)) {
    fail(ErrorKind::InvalidInput, "malformed {}: import_date '{}' is not a YYYYMMDD date", what,
         event.import_date);
  }
  event.event_id = "SNAPLAKE-SNAPSHOT";
  event.message = "snapshot requested";
  return event;
}

}  // namespace

std::string_view to_string(EventOrigin origin) {
  switch (origin) {
    case EventOrigin::RdsNotification:
      return "rds-notification";
    case EventOrigin::EventBridge:
      return "eventbridge";
    case EventOrigin::Snaplake:
      return "snaplake";
  }
  return "unknown";
}

ParsedEvent parse_event(std::string_view body) {
  json root = parse_json(body, "message");
  if (!root.is_object()) {
    fail(ErrorKind::InvalidInput,
         "malformed message: a JSON {} where an event object belongs "
         "(body: '{}')",
         root.type_name(), excerpt(body));
  }
  try {
    if (root.contains("Type") && root.contains("Message")) {
      // The SNS envelope.
      std::string type = string_field(root, "Type", "SNS notification");
      if (type != "Notification") {
        return IgnoredEvent{fmt::format("an SNS {} message, not a notification", type)};
      }
      std::string message = string_field(root, "Message", "SNS notification");
      std::string_view trimmed = message;
      while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) {
        trimmed.remove_prefix(1);
      }
      if (trimmed.empty() || trimmed.front() != '{') {
        // e.g. "This is a message to notify that RDS will attempt to send you event
        // notifications…", sent once when a subscription is created.
        return IgnoredEvent{
            fmt::format("a text notification, not an event: '{}'", excerpt(message))};
      }
      json inner = parse_json(message, "SNS notification Message");
      if (!inner.is_object() || !inner.contains("Event Source")) {
        fail(ErrorKind::InvalidInput,
             "malformed SNS notification: its Message is not an RDS event (body: '{}')",
             excerpt(message));
      }
      return parse_rds_message(inner);
    }
    if (root.contains("Event Source")) return parse_rds_message(root);  // raw message delivery
    if (root.contains("detail-type") || (root.contains("source") && root.contains("detail"))) {
      return parse_eventbridge(root);
    }
    if (root.contains("snaplake_event")) return parse_snaplake(root);
  } catch (const json::exception& e) {
    fail(ErrorKind::InvalidInput, "malformed event: {}", json_cause(e));
  }
  fail(ErrorKind::InvalidInput,
       "not a snapshot event: neither an SNS notification, an RDS event, an EventBridge event nor "
       "a snaplake event (body: '{}')",
       excerpt(body));
}

std::string snaplake_event_json(std::string_view instance_id, std::string_view event_time,
                                std::string_view snapshot_id, std::string_view import_date) {
  json j = {
      {"snaplake_event", "snapshot"}, {"instance_id", instance_id}, {"event_time", event_time}};
  if (!snapshot_id.empty()) j["snapshot_id"] = snapshot_id;
  if (!import_date.empty()) j["import_date"] = import_date;
  return j.dump();
}

std::string export_id_for(std::string_view instance_id, const SnapshotEvent& event) {
  auto slug = [](std::string_view text, size_t max) {
    std::string out;
    for (char c : text) {
      char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool alnum =
          std::isalnum(static_cast<unsigned char>(lower)) && static_cast<unsigned char>(c) < 0x80;
      if (alnum) {
        out += lower;
      } else if (!out.empty() && out.back() != '-') {
        out += '-';
      }
      if (out.size() >= max) break;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
  };
  // FNV-1a over what identifies the snapshot: the same event gives the same id.
  std::string key = fmt::format(
      "{}\n{}", instance_id,
      event.snapshot_id.empty() ? "time:" + event.event_time : "snapshot:" + event.snapshot_id);
  if (event.snapshot_id.empty() && event.event_time.empty()) {
    key += fmt::format("\n{}\n{}", event.event_id, event.source_arn);
  }
  uint32_t hash = 2166136261u;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 16777619u;
  }
  std::string name = slug(instance_id, 30);
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) name = "db-" + name;
  std::string stamp;
  for (char c : event.event_time) {
    if (std::isdigit(static_cast<unsigned char>(c))) stamp += c;
    if (stamp.size() == 8) stamp += 't';
    if (stamp.size() == 15) break;
  }
  while (!stamp.empty() && stamp.back() == 't') stamp.pop_back();
  std::string id = name;
  if (!stamp.empty()) id += "-" + stamp;
  id += fmt::format("-{:08x}", hash);
  // Collapse any double hyphen (a slug never ends with one, but be strict: RDS rejects them).
  std::string out;
  for (char c : id) {
    if (c == '-' && !out.empty() && out.back() == '-') continue;
    out += c;
  }
  return out;
}

std::string to_json(const TaskMessage& task) {
  json j = {{"ExportTaskIdentifier", task.export_task_identifier},
            {"ExportBucket", task.export_bucket},
            {"Engine", to_string(task.engine)}};
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  add("InstanceId", task.instance_id);
  add("SnapshotId", task.snapshot_id);
  add("ExportLocation", task.export_location);
  add("SourceArn", task.source_arn);
  add("EventTime", task.event_time);
  add("ImportDate", task.import_date);
  if (task.polls > 0) j["Polls"] = task.polls;
  return j.dump();
}

TaskMessage parse_task_message(std::string_view body) {
  constexpr std::string_view what = "export-task message";
  json root = parse_json(body, what);
  if (!root.is_object()) {
    fail(ErrorKind::InvalidInput, "malformed {}: a JSON {}, expected an object (body: '{}')", what,
         root.type_name(), excerpt(body));
  }
  TaskMessage task;
  task.export_task_identifier = required_field(root, "ExportTaskIdentifier", what);
  task.export_bucket = string_field(root, "ExportBucket", what);
  // The reference system's export function names no engine: its exports are RDS's.
  std::string engine = string_field(root, "Engine", what);
  if (engine.empty()) engine = to_string(Engine::Rds);
  if (auto known = kEngineNames.find(engine)) {
    task.engine = *known;
  } else {
    fail(ErrorKind::InvalidInput, "malformed {}: unknown Engine '{}' (expected {})", what, engine,
         kEngineNames.alternatives());
  }
  task.instance_id = string_field(root, "InstanceId", what);
  task.snapshot_id = string_field(root, "SnapshotId", what);
  task.export_location = string_field(root, "ExportLocation", what);
  task.source_arn = string_field(root, "SourceArn", what);
  task.event_time = string_field(root, "EventTime", what);
  task.import_date = string_field(root, "ImportDate", what);
  if (!task.import_date.empty() && !landing::parse_import_date(task.import_date)) {
    fail(ErrorKind::InvalidInput, "malformed {}: ImportDate '{}' is not a YYYYMMDD date", what,
         task.import_date);
  }
  if (auto it = root.find("Polls"); it != root.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
        it->get<int64_t>() > std::numeric_limits<int>::max()) {
      fail(ErrorKind::InvalidInput, "malformed {}: Polls is not a count", what);
    }
    task.polls = it->get<int>();
  }
  if (is_native(task.engine) && task.export_location.empty()) {
    fail(ErrorKind::InvalidInput, "malformed {}: a {} export without ExportLocation", what,
         to_string(task.engine));
  }
  if (task.engine == Engine::Rds && task.export_bucket.empty()) {
    fail(ErrorKind::InvalidInput, "malformed {}: no \"ExportBucket\"", what);
  }
  return task;
}

}  // namespace snaplake::pipeline
