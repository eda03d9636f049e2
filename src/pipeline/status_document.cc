#include "pipeline/status_document.h"

#include <algorithm>
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

// A message body in the document: one line, at most `max` bytes, cut at a UTF-8 character
// boundary, with "…" when cut.
std::string one_line(std::string text, size_t max) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

}  // namespace

nlohmann::ordered_json status_document(
    const Config& config, const std::vector<std::pair<QueueRole, queue::Queue*>>& queues,
    StatusStore& status, size_t limit) {
  nlohmann::ordered_json doc;
  doc["config"] = config.file;
  doc["state"] = log::redact(status.describe());
  doc["queues"] = nlohmann::ordered_json::object();
  doc["deadLetters"] = nlohmann::ordered_json::array();
  // Looking changes nothing (docs/run-state.md): the dead letters are those the workers
  // recorded in the status store as they made them, and the queues' counts are SQS's
  // approximate numbers (GetQueueAttributes); the dead-letter queue is never received from,
  // which would raise each message's receive count. The embedded queue's dead letters are
  // rows read with SELECT, so they are read too: they include the messages the queue moved
  // itself after max_receives (a worker crashed on each), which no worker recorded.
  std::vector<DeadLetterRecord> dead = status.recent_dead_letters(limit);
  for (const auto& [role, q] : queues) {
    auto c = q->counts();
    doc["queues"][std::string(to_string(role))] = {{"location", q->describe()},
                                                   {"visible", c.visible},
                                                   {"inFlight", c.in_flight},
                                                   {"delayed", c.delayed},
                                                   {"dead", c.dead}};
    if (config.queue.backend != QueueBackend::Sqlite) continue;
    // The embedded queue's rows are what is dead-lettered now: a recorded dead letter that is no
    // longer among them was redriven.
    std::string queue_name(to_string(role));
    std::erase_if(dead, [&](const DeadLetterRecord& r) { return r.queue == queue_name; });
    for (const auto& d : q->dead_letters(limit)) {
      dead.push_back(
          {std::chrono::duration_cast<std::chrono::milliseconds>(d.when.time_since_epoch())
               .count(),
           queue_name, d.id, d.cause, d.receive_count, d.body});
    }
  }
  std::stable_sort(dead.begin(), dead.end(),
                   [](const auto& a, const auto& b) { return a.time_ms > b.time_ms; });
  if (dead.size() > limit) dead.resize(limit);
  std::map<std::string, std::string> dead_causes;  // message id -> cause
  for (const auto& d : dead) {
    dead_causes.emplace(d.message_id, d.cause.empty() ? "dead-lettered" : d.cause);
    doc["deadLetters"].push_back({{"queue", d.queue},
                                  {"messageId", d.message_id},
                                  {"receiveCount", d.receive_count},
                                  {"time", time_of(d.time_ms)},
                                  {"cause", d.cause},
                                  {"body", one_line(d.body, 400)}});
  }
  doc["runs"] = nlohmann::ordered_json::array();
  // A run whose message was dead-lettered while it was in progress (a worker crashed on it
  // until the queue gave up) ended there: say so, with the cause.
  auto runs = status.recent_runs(limit);
  apply_dead_letters(runs, dead_causes);
  for (const auto& r : runs) {
    doc["runs"].push_back({{"exportId", r.export_id},
                           {"instanceId", r.instance_id},
                           {"snapshotId", r.snapshot_id},
                           {"eventId", r.event_id},
                           {"eventTime", r.event_time},
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
