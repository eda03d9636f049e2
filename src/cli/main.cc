// snaplake: database snapshots into the data-lake landing zone. See README.md.
//
// The exit-code contract (docs/commands.md): 0 on success; otherwise one line on stderr,
// `snaplake: <what>: <cause>`, and the code of the failure's kind (common/error.h) — 2 for a
// usage error (an unknown command or flag, a missing or invalid value), as for any invalid input.
// `--help` and `--version` print on stdout and exit 0. The global flags (--log-format, -v) may
// come before or after the command.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <numeric>

#include "cli/commands.h"
#include "common/error.h"
#include "common/log.h"

namespace snaplake::cli {
namespace {

// Optimal string alignment distance (Levenshtein, and swapping two neighbours costs one step
// too): "exprot" is one step from "export".
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The one line of a usage error: which command, what is wrong, where the flags are listed.
std::string usage_error(CLI::App& app, const CLI::ParseError& e) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    commands.push_back(sub->get_name());
  }
  std::string listed = fmt::format("{}", fmt::join(commands, ", "));
  auto selected = app.get_subcommands();
  if (selected.empty()) {
    // No command was recognised: name the word that should have been one.
    for (const std::string& word : app.remaining()) {
      if (word.empty() || word.front() == '-') continue;
      std::string best;
      size_t best_distance = 3;  // suggest only what is at most two steps away
      for (const auto& name : commands) {
        size_t distance = edit_distance(word, name);
        if (distance < best_distance || name.starts_with(word)) {
          best = name;
          best_distance = std::min(distance, best_distance);
        }
      }
      return fmt::format("unknown command '{}'{} (commands: {})", word,
                         best.empty() ? "" : fmt::format(": did you mean '{}'?", best), listed);
    }
    if (dynamic_cast<const CLI::RequiredError*>(&e) && app.remaining().empty()) {
      return fmt::format("no command given: use one of {} (snaplake --help)", listed);
    }
    return fmt::format("usage: {} (snaplake --help)", e.what());
  }
  std::string name = selected.front()->get_name();
  return fmt::format("{}: {} (snaplake {} --help)", name, e.what(), name);
}

}  // namespace
}  // namespace snaplake::cli

int main(int argc, char** argv) {
  using namespace snaplake;
  CLI::App app{
      "snaplake: consistent database snapshots into the data-lake landing zone, as Parquet.\n"
      "Exports PostgreSQL to the RDS snapshot export layout and lands exports in the raw zone.",
      "snaplake"};
  app.footer(
      "Exit codes: 0 success; 2 invalid input or usage; 3 configuration; 4 source database; "
      "5 local I/O; 6 network; 7 authentication; 8 not found; 9 unsupported; 10 run --drain "
      "dead-lettered messages; 70 internal; "
      "75 not yet (try later); 130 interrupted. A failure prints one line: snaplake: <what>: "
      "<cause>.");
  app.require_subcommand(1);
  app.set_version_flag("--version", "snaplake 0.1.0");
  // The global flags are options of the root; fallthrough lets a command pass the flags it does
  // not know to the root, so they may follow the command too (CLI11: inherited by subcommands).
  app.fallthrough();
  std::string log_format(to_string(log::Format::Text));
  bool verbose = false;
  app.add_option("--log-format", log_format, "Log lines as 'text' or 'json'")
      ->check(CLI::IsMember(log::kFormatNames.names()));
  app.add_flag("-v,--verbose", verbose, "Log debug detail");
  app.parse_complete_callback([&] {
    log::configure(verbose ? log::Level::Debug : log::Level::Info,
                   *log::kFormatNames.find(log_format));
  });

  int exit_status = 0;
  cli::add_export_command(app, exit_status);
  cli::add_land_command(app, exit_status);
  cli::add_run_command(app, exit_status);
  cli::add_snapshot_command(app, exit_status);
  cli::add_status_command(app, exit_status);
  cli::add_lambda_command(app, exit_status);
  cli::add_redrive_command(app, exit_status);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that succeed: CLI11 prints them on stdout.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    std::fprintf(stderr, "snaplake: %s\n", log::printable(cli::usage_error(app, e)).c_str());
    return exit_code(ErrorKind::InvalidInput);
  } catch (const Error& e) {
    std::fprintf(stderr, "snaplake: %s\n", log::printable(log::redact(e.what())).c_str());
    return exit_code(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "snaplake: internal error: %s\n",
                 log::printable(log::redact(e.what())).c_str());
    return exit_code(ErrorKind::Internal);
  }
  return exit_status;
}
