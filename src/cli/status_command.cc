// `snaplake status --config F [--json]`: the queues (waiting, in flight, delayed, dead), the
// recent snapshots with their stage, times, row counts and errors, and the messages that were
// dead-lettered, dropped or ignored, read from the status store the configuration names
// (pipeline/status_store.h, docs/run-state.md). Looking changes nothing it looks at.
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/error.h"
#include "common/log.h"
#include "pipeline/config.h"
#include "pipeline/queues.h"
#include "pipeline/session.h"
#include "pipeline/status_store.h"

namespace snaplake::cli {
namespace {

std::string time_of(int64_t ms) {
  if (ms == 0) return "-";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// At most `max` bytes of `text`, cut at a UTF-8 character boundary, with "…" when cut.
std::string truncated(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

// A message body in the JSON document: one line, bounded.
std::string one_line(std::string text, size_t max) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return truncated(std::move(text), max);
}

// A field of the document as the text output shows it: ids, names and causes come from events,
// sources and servers, so they are escaped (log::printable) before they reach the terminal.
std::string shown(const nlohmann::ordered_json& value, size_t max = 160) {
  return log::printable(truncated(value.get<std::string>(), max));
}

}  // namespace

void add_status_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand(
      "status",
      "Show the pipeline's queues and recent snapshots, runs, dead letters and notes, as every "
      "worker records them in the status store: with [queue] backend = \"sqs\" objects under "
      "<[export] to>/_snaplake/status (or [status] location), shared by every host and the Lambda "
      "functions; with the embedded queue a SQLite file beside it (docs/run-state.md). Looking "
      "changes nothing: the dead-letter queues are only counted (GetQueueAttributes), never "
      "received from.");
  struct Flags {
    std::string config;
    bool json = false;
    size_t limit = 20;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--config", flags->config, "The configuration file (snaplake.toml)")->required();
  cmd->add_flag("--json", flags->json, "Print one JSON document");
  cmd->add_option("--limit", flags->limit, "How many recent entries of each kind");
  cmd->callback([flags, &exit_status] {
    pipeline::Config config = pipeline::load_config(flags->config, pipeline::process_environment());
    auto session = pipeline::aws_session(config);
    auto status = pipeline::StatusStore::open(config, session);
    nlohmann::ordered_json doc;
    doc["config"] = config.file;
    doc["state"] = log::redact(status->describe());
    doc["queues"] = nlohmann::ordered_json::object();
    doc["deadLetters"] = nlohmann::ordered_json::array();
    // Looking changes nothing (docs/run-state.md): the dead letters are those the workers
    // recorded in the status store as they made them, and the queues' counts are SQS's
    // approximate numbers (GetQueueAttributes); the dead-letter queue is never received from,
    // which would raise each message's receive count. The embedded queue's dead letters are
    // rows read with SELECT, so they are read too: they include the messages the queue moved
    // itself after max_receives (a worker crashed on each), which no worker recorded.
    std::vector<pipeline::DeadLetterRecord> dead = status->recent_dead_letters(flags->limit);
    for (auto role : {pipeline::QueueRole::Events, pipeline::QueueRole::Tasks}) {
      auto q = pipeline::open_queue(config, role, session);
      auto c = q->counts();
      doc["queues"][std::string(to_string(role))] = {{"location", q->describe()},
                                                     {"visible", c.visible},
                                                     {"inFlight", c.in_flight},
                                                     {"delayed", c.delayed},
                                                     {"dead", c.dead}};
      if (config.queue.backend != pipeline::QueueBackend::Sqlite) continue;
      for (const auto& d : q->dead_letters(flags->limit)) {
        std::string queue_name(to_string(role));
        std::erase_if(dead, [&](const pipeline::DeadLetterRecord& r) {
          return r.queue == queue_name && r.message_id == d.id;
        });
        dead.push_back(
            {std::chrono::duration_cast<std::chrono::milliseconds>(d.when.time_since_epoch())
                 .count(),
             queue_name, d.id, d.cause, d.receive_count, d.body});
      }
    }
    std::stable_sort(dead.begin(), dead.end(),
                     [](const auto& a, const auto& b) { return a.time_ms > b.time_ms; });
    if (dead.size() > flags->limit) dead.resize(flags->limit);
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
    auto runs = status->recent_runs(flags->limit);
    pipeline::apply_dead_letters(runs, dead_causes);
    for (const auto& r : runs) {
      doc["runs"].push_back({{"exportId", r.export_id},
                             {"instanceId", r.instance_id},
                             {"snapshotId", r.snapshot_id},
                             {"eventId", r.event_id},
                             {"eventTime", r.event_time},
                             {"stage", pipeline::to_string(r.stage)},
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
    for (const auto& n : status->recent_notes(flags->limit)) {
      doc["notes"].push_back({{"time", time_of(n.time_ms)},
                              {"queue", n.queue},
                              {"messageId", n.message_id},
                              {"outcome", n.outcome},
                              {"detail", n.detail}});
    }

    if (flags->json) {
      // Bytes that are not UTF-8 (a message body can hold anything) become U+FFFD, so the
      // document is always valid JSON.
      std::printf("%s\n",
                  doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      exit_status = 0;
      return;
    }
    std::printf("configuration: %s\nrun state: %s\n\nqueues\n", log::printable(config.file).c_str(),
                shown(doc["state"], 400).c_str());
    for (const auto& [name, q] : doc["queues"].items()) {
      std::printf("  %-7s %3llu waiting  %3llu in flight  %3llu delayed  %3llu dead   %s\n",
                  name.c_str(), q["visible"].get<unsigned long long>(),
                  q["inFlight"].get<unsigned long long>(), q["delayed"].get<unsigned long long>(),
                  q["dead"].get<unsigned long long>(), shown(q["location"], 400).c_str());
    }
    std::printf("\nrecent snapshots\n");
    if (doc["runs"].empty()) std::printf("  (none yet)\n");
    for (const auto& r : doc["runs"]) {
      std::printf("  %-42s %-10s %-8s started %s  landed %s  %llu tables %llu rows  attempts %d\n",
                  shown(r["exportId"]).c_str(), shown(r["instanceId"]).c_str(),
                  shown(r["stage"]).c_str(), r["started"].get<std::string>().c_str(),
                  r["landed"].get<std::string>().c_str(), r["tables"].get<unsigned long long>(),
                  r["rows"].get<unsigned long long>(), r["attempts"].get<int>());
      if (!r["error"].get<std::string>().empty()) {
        std::printf("      error: %s\n", shown(r["error"]).c_str());
      }
    }
    std::printf("\ndead letters\n");
    if (doc["deadLetters"].empty()) std::printf("  (none)\n");
    for (const auto& d : doc["deadLetters"]) {
      std::printf("  %s %-6s message %s (received %d times): %s\n",
                  d["time"].get<std::string>().c_str(), d["queue"].get<std::string>().c_str(),
                  shown(d["messageId"]).c_str(), d["receiveCount"].get<int>(),
                  shown(d["cause"]).c_str());
    }
    std::printf("\nrecent notes\n");
    if (doc["notes"].empty()) std::printf("  (none)\n");
    for (const auto& n : doc["notes"]) {
      std::printf("  %s %-6s message %s %s: %s\n", n["time"].get<std::string>().c_str(),
                  shown(n["queue"]).c_str(), shown(n["messageId"]).c_str(),
                  shown(n["outcome"]).c_str(), shown(n["detail"]).c_str());
    }
    exit_status = 0;
  });
}

}  // namespace snaplake::cli
