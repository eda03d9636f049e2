// `snaplake redrive --config F [--queue events|tasks] [--id MESSAGE]`: moves dead letters back
// to the queue they came from (queue::Queue::redrive), all of them or one, so that they are
// served again from the start: a redriven message is new to the queue (receive count 0), and a
// waiting one waits afresh (pipeline/waits.h). The ids are those `snaplake status` shows. Each
// redriven dead letter is forgotten by the run state (pipeline/status_store.h), so that status
// lists it no longer.
#include <fmt/ranges.h>

#include <cstdio>

#include "cli/commands.h"
#include "common/error.h"
#include "common/log.h"
#include "pipeline/config.h"
#include "pipeline/queues.h"
#include "pipeline/session.h"
#include "pipeline/status_store.h"

namespace snaplake::cli {

void add_redrive_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand(
      "redrive", "Move dead letters back to their queue, all of them or one (--id)");
  struct Flags {
    std::string config;
    std::string queue;
    std::string id;
  };
  auto flags = std::make_shared<Flags>();
  const std::vector<std::string> queue_names = {
      std::string(pipeline::to_string(pipeline::QueueRole::Events)),
      std::string(pipeline::to_string(pipeline::QueueRole::Tasks))};
  cmd->add_option("--config", flags->config, "The configuration file (snaplake.toml)")->required();
  cmd->add_option("--queue", flags->queue, "Only this queue's dead letters (default: both)")
      ->check(CLI::IsMember(queue_names));
  cmd->add_option("--id", flags->id, "Only this dead letter (its id as snaplake status shows it)");
  cmd->callback([flags, &exit_status] {
    pipeline::Config config = pipeline::load_config(flags->config, pipeline::process_environment());
    auto session = pipeline::aws_session(config);
    auto status = pipeline::StatusStore::open(config, session);
    std::vector<pipeline::QueueRole> roles;
    for (auto role : {pipeline::QueueRole::Events, pipeline::QueueRole::Tasks}) {
      if (flags->queue.empty() || flags->queue == pipeline::to_string(role)) roles.push_back(role);
    }
    std::optional<std::string_view> id;
    if (!flags->id.empty()) id = flags->id;
    size_t total = 0;
    std::vector<std::string> not_found;  // with --id: the queues that do not have it
    for (auto role : roles) {
      auto q = pipeline::open_queue(config, role, session);
      std::vector<std::string> moved;
      try {
        moved = q->redrive(id);
      } catch (const Error& e) {
        // An id is one queue's: not being another's is no error, unless it is no queue's.
        if (!id || e.kind() != ErrorKind::NotFound) throw;
        not_found.push_back(e.what());
        continue;
      }
      total += moved.size();
      for (const auto& message_id : moved) status->forget_dead_letter(to_string(role), message_id);
      if (!moved.empty()) {
        log::info("redrove {} dead letter(s) to the {} queue ({}): {}", moved.size(),
                  to_string(role), q->describe(), fmt::join(moved, ", "));
      }
      std::printf("%s: %zu redriven\n", std::string(to_string(role)).c_str(), moved.size());
      if (id) break;  // found: ids are the queue's own, the other queue's would be another
    }
    if (id && total == 0) fail(ErrorKind::NotFound, "{}", fmt::join(not_found, "; "));
    exit_status = 0;
  });
}

}  // namespace snaplake::cli
