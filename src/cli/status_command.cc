// `snaplake status --config F [--json]`: the queues (waiting, in flight, delayed, dead), the
// recent snapshots with their stage, times, row counts and errors, and the messages that were
// dead-lettered, dropped or ignored (pipeline/status_store.h).
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/error.h"
#include "common/log.h"
#include "common/wrap.h"
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

// A cause in the text view: whole, escaped, wrapped to the output's width under `indent`
// columns; the first line follows `head`, the others are indented. Causes end with what matters
// ("HTTP 404 NoSuchBucket"), so they are never cut.
void print_cause(const std::string& head, const nlohmann::ordered_json& cause, size_t indent) {
  std::string text = log::printable(cause.get<std::string>());
  size_t width = output_width();
  size_t room = width > indent + 20 ? width - indent : 20;
  auto lines = wrap(text, room);
  std::printf("%s%s\n", head.c_str(), lines.front().c_str());
  for (size_t i = 1; i < lines.size(); ++i) {
    std::printf("%*s%s\n", static_cast<int>(indent), "", lines[i].c_str());
  }
}

}  // namespace

void add_status_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand("status", "Show the pipeline's queues and recent snapshots");
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
    auto status = pipeline::StatusStore::open(config.status_path());
    nlohmann::ordered_json doc;
    doc["config"] = config.file;
    doc["queues"] = nlohmann::ordered_json::object();
    doc["deadLetters"] = nlohmann::ordered_json::array();
    std::map<std::string, std::string> dead_causes;  // message id -> cause
    auto session = pipeline::aws_session(config);
    for (auto role : {pipeline::QueueRole::Events, pipeline::QueueRole::Tasks}) {
      auto q = pipeline::open_queue(config, role, session);
      auto c = q->counts();
      doc["queues"][std::string(to_string(role))] = {{"location", q->describe()},
                                                     {"visible", c.visible},
                                                     {"inFlight", c.in_flight},
                                                     {"delayed", c.delayed},
                                                     {"dead", c.dead}};
      for (const auto& d : q->dead_letters(flags->limit)) {
        dead_causes.emplace(d.id, d.cause.empty() ? "dead-lettered" : d.cause);
        doc["deadLetters"].push_back(
            {{"queue", std::string(to_string(role))},
             {"messageId", d.id},
             {"receiveCount", d.receive_count},
             {"time", time_of(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  d.when.time_since_epoch())
                                  .count())},
             {"cause", d.cause},
             {"body", one_line(d.body, 400)}});
      }
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
    std::printf("configuration: %s\n\nqueues\n", log::printable(config.file).c_str());
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
        print_cause("      error: ", r["error"], 13);
      }
    }
    std::printf("\ndead letters\n");
    if (doc["deadLetters"].empty()) std::printf("  (none)\n");
    for (const auto& d : doc["deadLetters"]) {
      std::printf("  %s %-6s message %s (received %d times)\n",
                  d["time"].get<std::string>().c_str(), d["queue"].get<std::string>().c_str(),
                  shown(d["messageId"]).c_str(), d["receiveCount"].get<int>());
      print_cause("      cause: ", d["cause"], 13);
    }
    std::printf("\nrecent notes\n");
    if (doc["notes"].empty()) std::printf("  (none)\n");
    for (const auto& n : doc["notes"]) {
      std::printf("  %s %-6s message %s %s\n", n["time"].get<std::string>().c_str(),
                  shown(n["queue"]).c_str(), shown(n["messageId"]).c_str(),
                  shown(n["outcome"]).c_str());
      if (!n["detail"].get<std::string>().empty()) print_cause("      ", n["detail"], 6);
    }
    exit_status = 0;
  });
}

}  // namespace snaplake::cli
