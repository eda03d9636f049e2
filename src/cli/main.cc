// snaplake: database snapshots into the data-lake landing zone. See README.md.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "common/error.h"
#include "common/log.h"

int main(int argc, char** argv) {
  using namespace snaplake;
  CLI::App app{
      "snaplake: consistent database snapshots into the data-lake landing zone, as Parquet.\n"
      "Exports PostgreSQL to the RDS snapshot export layout and lands exports in the raw zone."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "snaplake 0.1.0");
  std::string log_format = "text";
  bool verbose = false;
  app.add_option("--log-format", log_format, "Log lines as 'text' or 'json'")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-v,--verbose", verbose, "Log debug detail");
  app.parse_complete_callback([&] {
    log::configure(verbose ? log::Level::Debug : log::Level::Info,
                   log_format == "json" ? log::Format::Json : log::Format::Text);
  });

  int exit_status = 0;
  cli::add_export_command(app, exit_status);
  cli::add_land_command(app, exit_status);
  cli::add_run_command(app, exit_status);
  cli::add_snapshot_command(app, exit_status);
  cli::add_status_command(app, exit_status);
  cli::add_lambda_command(app, exit_status);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
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
