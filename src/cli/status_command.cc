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
#include "common/wrap.h"
#include "pipeline/config.h"
#include "pipeline/queues.h"
#include "pipeline/session.h"
#include "pipeline/status_document.h"
#include "pipeline/status_store.h"

namespace snaplake::cli {
namespace {

// At most `max` bytes of `text`, cut at a UTF-8 character boundary, with "…" when cut.
std::string truncated(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
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
    auto events = pipeline::open_queue(config, pipeline::QueueRole::Events, session);
    auto tasks = pipeline::open_queue(config, pipeline::QueueRole::Tasks, session);
    // One builder for this command and the status page of `run --listen`.
    nlohmann::ordered_json doc = pipeline::status_document(
        config,
        {{pipeline::QueueRole::Events, events.get()}, {pipeline::QueueRole::Tasks, tasks.get()}},
        *status, flags->limit);

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
