// `snaplake land`: lands a finished export in the landing zone (src/landing/land.h). The call
// chain: this callback -> landing::land(options) -> open both stores -> Lander::run (land.cc).
// With --config, a manual landing is part of the pipeline's record: its run in the status store
// the configuration names (pipeline/status_store.h) goes to landing, then landed, superseded or
// failed, as the land stage records it (pipeline::record_land_result, record_failure).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "common/error.h"
#include "common/log.h"
#include "landing/land.h"
#include "pipeline/config.h"
#include "pipeline/session.h"
#include "pipeline/stages.h"
#include "pipeline/status_store.h"

namespace snaplake::cli {
namespace {

// Names are the source's and may hold anything: escaped (log::printable) on the terminal.
void print_summary(const landing::LandResult& r, const landing::LandOptions& o) {
  auto shown = [](const std::string& text) { return log::printable(log::redact(text)); };
  double mb = static_cast<double>(r.bytes_copied) / 1e6;
  if (r.outcome == landing::TableOutcome::Superseded) {
    std::printf("export %s (import date %s) is superseded by %s in %s: nothing landed\n",
                shown(r.export_id).c_str(), r.import_date.c_str(), shown(r.superseded_by).c_str(),
                shown(o.to).c_str());
  } else {
    std::printf("%s export %s (import date %s) into %s: %zu tables, %llu rows, %llu bytes\n",
                r.outcome == landing::TableOutcome::Landed ? "landed" : "already landed",
                shown(r.export_id).c_str(), r.import_date.c_str(), shown(o.to).c_str(),
                r.tables.size(), static_cast<unsigned long long>(r.rows),
                static_cast<unsigned long long>(r.bytes));
  }
  std::printf("copied %llu files (%.1f MB) in %.2f s (%.1f MB/s), %llu already there\n",
              static_cast<unsigned long long>(r.files_copied), mb, r.seconds,
              r.seconds > 0 ? mb / r.seconds : 0.0,
              static_cast<unsigned long long>(r.files_present));
  for (const auto& t : r.tables) {
    std::string outcome;
    if (t.outcome == landing::TableOutcome::AlreadyLanded) outcome = "  (already landed)";
    if (t.outcome == landing::TableOutcome::Superseded)
      outcome = "  (superseded by " + t.superseded_by + ")";
    if (!t.glue_table.empty()) outcome += "  glue: " + o.catalog.glue_database + "." + t.glue_table;
    std::printf("  %-40s %6llu files %12llu rows  %s%s\n", shown(t.target).c_str(),
                static_cast<unsigned long long>(t.files), static_cast<unsigned long long>(t.rows),
                shown(t.partition).c_str(), shown(outcome).c_str());
  }
  for (const auto& s : r.skipped) {
    std::printf("  skipped %s: %s%s%s\n", shown(s.target).c_str(), shown(s.status).c_str(),
                s.warning.empty() ? "" : ": ", shown(s.warning).c_str());
  }
  std::printf("manifest: %s%s\n", shown(r.manifest).c_str(),
              r.notified ? " (notification sent)" : "");
}

void print_json(const landing::LandResult& r) {
  nlohmann::ordered_json j;
  j["exportId"] = r.export_id;
  j["importDate"] = r.import_date;
  j["outcome"] = landing::to_string(r.outcome);
  if (!r.superseded_by.empty()) j["supersededBy"] = r.superseded_by;
  j["rows"] = r.rows;
  j["bytes"] = r.bytes;
  j["filesCopied"] = r.files_copied;
  j["bytesCopied"] = r.bytes_copied;
  j["filesPresent"] = r.files_present;
  j["seconds"] = r.seconds;
  j["manifest"] = log::redact(r.manifest);
  j["notified"] = r.notified;
  j["tables"] = nlohmann::ordered_json::array();
  for (const auto& t : r.tables) {
    nlohmann::ordered_json table = {
        {"target", t.target}, {"partition", t.partition},
        {"files", t.files},   {"rows", t.rows},
        {"bytes", t.bytes},   {"outcome", landing::to_string(t.outcome)}};
    if (!t.superseded_by.empty()) table["supersededBy"] = t.superseded_by;
    if (!t.glue_table.empty()) table["glueTable"] = t.glue_table;
    j["tables"].push_back(std::move(table));
  }
  j["skippedTables"] = nlohmann::ordered_json::array();
  for (const auto& s : r.skipped) {
    j["skippedTables"].push_back(
        {{"target", s.target}, {"status", s.status}, {"warningMessage", s.warning}});
  }
  // Names are the source's and may be any bytes: invalid UTF-8 is replaced, never fatal.
  std::printf("%s\n",
              j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

}  // namespace

void add_land_command(CLI::App& root, int& exit_status) {
  auto options = std::make_shared<landing::LandOptions>();
  auto as_json = std::make_shared<bool>(false);
  auto* cmd = root.add_subcommand(
      "land",
      "Land a finished export (snaplake's or RDS's) in the landing zone: every table copied into "
      "<service-area>/<database>/<schema>.<table>/import_year=…/import_date=YYYYMMDD/, verified, "
      "and marked with _SUCCESS. Safe side by side with other landings: a partition only moves "
      "to a newer snapshot; an older export is reported superseded (exit 0). Exit code 75 while "
      "the export is still being written, 4 when it failed or was abandoned.");
  cmd->add_option("--export", options->export_location,
                  "The export's folder: <folder | s3://bucket/prefix>/<export-id>")
      ->required();
  cmd->add_option("--to", options->to, "Landing root: folder, file://…, or s3://bucket[/prefix]")
      ->required();
  cmd->add_option("--service-area", options->service_area, "Service area (first key segment)")
      ->capture_default_str();
  cmd->add_option("--kms-key-id", options->kms_key_id, "SSE-KMS key for landed S3 objects");
  cmd->add_option("--jobs", options->jobs, "Parallel copies")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--notify", options->notify,
                  "After landing: sqs:<queue URL>, sns:<topic ARN> or glue:<workflow name>");
  cmd->add_option("--import-date", options->import_date,
                  "Land into this YYYYMMDD partition instead of the snapshot's date (a backdated "
                  "run, as the reference's IMPORT_DATE_OVERRIDE)");
  auto date_rule =
      std::make_shared<std::string>(landing::kImportDateRuleNames.name(options->import_date_rule));
  cmd->add_option("--import-date-from", *date_rule,
                  "Where the import date comes from without --import-date: snapshot_time (the "
                  "snapshot's time in UTC, default) or snapshot_id (the date in the snapshot's id, "
                  "e.g. sql-to-parquet-24-03-15-…, else its time)")
      ->check(CLI::IsMember(landing::kImportDateRuleNames.names()));
  cmd->add_option("--glue-database", options->catalog.glue_database,
                  "Register each landed table and its partition in this Glue database "
                  "(docs/catalog.md)");
  cmd->add_option("--glue-table-name", options->catalog.table_name,
                  "The Glue table name template: {database} {schema} {table} {folder}")
      ->capture_default_str();
  auto lease = std::make_shared<double>(60);
  cmd->add_option("--lease-seconds", *lease,
                  "How long this landing's record lasts without renewal (a landing that crashed "
                  "on another host is treated as dead after it)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  auto config_file = std::make_shared<std::string>();
  cmd->add_option("--config", *config_file,
                  "The pipeline's configuration (snaplake.toml): record this landing in its run "
                  "state, as the land stage does, so `snaplake status` shows the export's run "
                  "landed (docs/run-state.md); S3 and the status store use its [aws] settings");
  cmd->add_flag("--json", *as_json, "Print the result as JSON");
  cmd->callback([options, as_json, lease, date_rule, config_file, &exit_status] {
    // The name was checked against the same table while parsing.
    options->import_date_rule = *landing::kImportDateRuleNames.find(*date_rule);
    // Progress only for a person: stdout and stderr both a terminal (not `--json | jq`, not a log).
    options->show_progress = isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1;
    options->lease = std::chrono::milliseconds(static_cast<int64_t>(*lease * 1000));
    options->interrupt = &interrupt_on_signals();
    std::optional<pipeline::Config> config;
    std::unique_ptr<pipeline::StatusStore> status;
    std::string export_id;
    if (!config_file->empty()) {
      config = pipeline::load_config(*config_file, pipeline::process_environment());
      options->aws = pipeline::aws_session(*config);
      status = pipeline::StatusStore::open(*config, options->aws);
      // The export id is the export folder's name (<root>/<export-id>), as the task message's.
      std::string_view location = options->export_location;
      while (location.size() > 1 && location.back() == '/') location.remove_suffix(1);
      export_id = std::string(location.substr(location.find_last_of('/') + 1));
      status->update({.export_id = export_id,
                      .stage = pipeline::RunStage::Landing,
                      .export_location = std::string(location)});
    }
    landing::LandResult result;
    try {
      result = landing::land(*options);
    } catch (const std::exception& e) {
      if (status) pipeline::record_failure(*status, export_id, e);
      throw;
    }
    if (status) pipeline::record_land_result(*status, export_id, result);
    if (*as_json) {
      print_json(result);
    } else {
      print_summary(result, *options);
    }
    exit_status = 0;
  });
}

}  // namespace snaplake::cli
