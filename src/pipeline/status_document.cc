#include "pipeline/status_document.h"

#include <map>

#include "common/log.h"

namespace snaplake::pipeline {
namespace {

std::string time_of(int64_t ms) {
  if (ms == 0) return "-";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace

nlohmann::ordered_json status_document(
    const Config& config, const std::vector<std::pair<QueueRole, queue::Queue*>>& queues,
    StatusStore& status, size_t limit) {
  nlohmann::ordered_json doc;
  doc["config"] = config.file;
  doc["queues"] = nlohmann::ordered_json::object();
  doc["deadLetters"] = nlohmann::ordered_json::array();
  std::map<std::string, std::string> dead_causes;  // message id -> cause
  for (const auto& [role, q] : queues) {
    auto c = q->counts();
    doc["queues"][std::string(to_string(role))] = {{"location", q->describe()},
                                                   {"visible", c.visible},
                                                   {"inFlight", c.in_flight},
                                                   {"delayed", c.delayed},
                                                   {"dead", c.dead}};
    for (const auto& d : q->dead_letters(limit)) {
      dead_causes.emplace(d.id, d.cause.empty() ? "dead-lettered" : d.cause);
      doc["deadLetters"].push_back(
          {{"queue", std::string(to_string(role))},
           {"messageId", d.id},
           {"receiveCount", d.receive_count},
           {"time",
            time_of(std::chrono::duration_cast<std::chrono::milliseconds>(d.when.time_since_epoch())
                        .count())},
           {"cause", d.cause}});
    }
  }
  doc["runs"] = nlohmann::ordered_json::array();
  auto runs = status.recent_runs(limit);
  apply_dead_letters(runs, dead_causes);
  for (const auto& r : runs) {
    doc["runs"].push_back({{"exportId", r.export_id},
                           {"instanceId", r.instance_id},
                           {"snapshotId", r.snapshot_id},
                           {"stage", to_string(r.stage)},
                           {"started", time_of(r.started_ms)},
                           {"exported", time_of(r.exported_ms)},
                           {"landed", time_of(r.landed_ms)},
                           {"updated", time_of(r.updated_ms)},
                           {"tables", r.tables},
                           {"rows", r.rows},
                           {"bytes", r.bytes},
                           {"attempts", r.attempts},
                           {"exportLocation", log::redact(r.export_location)},
                           {"error", r.error}});
  }
  doc["notes"] = nlohmann::ordered_json::array();
  for (const auto& n : status.recent_notes(limit)) {
    doc["notes"].push_back({{"time", time_of(n.time_ms)},
                            {"queue", n.queue},
                            {"messageId", n.message_id},
                            {"outcome", n.outcome},
                            {"detail", n.detail}});
  }
  return doc;
}

}  // namespace snaplake::pipeline
