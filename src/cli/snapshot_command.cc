// `snaplake snapshot --config F <instance-id>`: publishes snaplake's own snapshot event
// (pipeline/events.h) to the events queue, as RDS would publish one when a snapshot is taken.
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "cli/commands.h"
#include "common/error.h"
#include "common/log.h"
#include "common/timestamp.h"
#include "landing/landing_layout.h"
#include "pipeline/config.h"
#include "pipeline/events.h"
#include "pipeline/queues.h"
#include "pipeline/session.h"

namespace snaplake::cli {
void add_snapshot_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand("snapshot", "Publish a snapshot event for a configured instance");
  struct Flags {
    std::string config;
    std::string instance;
    std::string snapshot_id;
    std::string message_file;
    std::string import_date;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--config", flags->config, "The configuration file (snaplake.toml)")->required();
  cmd->add_option("instance", flags->instance, "The instance id, as in [[instances]] id");
  cmd->add_option("--message-file", flags->message_file,
                  "Publish this file's content as it is instead (replay an event captured from "
                  "SQS, e.g. an RDS event in its SNS envelope)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--snapshot-id", flags->snapshot_id,
                  "An RDS snapshot to export (rds engine); default: the latest");
  cmd->add_option("--import-date", flags->import_date,
                  "Land into this YYYYMMDD partition instead of the snapshot's date (a backdated "
                  "run)");
  cmd->callback([flags, &exit_status] {
    pipeline::Config config = pipeline::load_config(flags->config, pipeline::process_environment());
    if (flags->instance.empty() == flags->message_file.empty()) {
      fail(ErrorKind::InvalidInput, "give either an instance id or --message-file");
    }
    if (!flags->message_file.empty()) {
      std::ifstream in(flags->message_file, std::ios::binary);
      std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof())
        fail_errno(errno, fmt::format("cannot read '{}'", flags->message_file));
      auto events =
          pipeline::open_queue(config, pipeline::QueueRole::Events, pipeline::aws_session(config));
      std::string id = events->send(body);
      std::printf("published %s to %s (message %s)\n", log::printable(flags->message_file).c_str(),
                  log::printable(events->describe()).c_str(), id.c_str());
      exit_status = 0;
      return;
    }
    if (!flags->import_date.empty() && !landing::parse_import_date(flags->import_date)) {
      fail(ErrorKind::InvalidInput, "--import-date '{}' is not a YYYYMMDD date",
           flags->import_date);
    }
    if (!config.find_instance(flags->instance)) {
      fail(ErrorKind::InvalidInput, "instance '{}' is not in {} ([[instances]] id)",
           flags->instance, config.file);
    }
    auto events =
        pipeline::open_queue(config, pipeline::QueueRole::Events, pipeline::aws_session(config));
    std::string id = events->send(pipeline::snaplake_event_json(
        flags->instance, iso8601(wall_now()), flags->snapshot_id, flags->import_date));
    std::printf("published a snapshot event for %s to %s (message %s)\n",
                log::printable(flags->instance).c_str(), log::printable(events->describe()).c_str(),
                id.c_str());
    exit_status = 0;
  });
}

}  // namespace snaplake::cli
