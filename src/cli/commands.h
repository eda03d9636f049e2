// Each snaplake command lives in its own file and registers itself here. A command's callback
// runs when CLI11 has parsed its flags; it sets `exit_status` (0 on success) and throws
// snaplake::Error on failure, which main() turns into a one-line message and an exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace snaplake::cli {

void add_export_command(CLI::App& root, int& exit_status);
void add_land_command(CLI::App& root, int& exit_status);
void add_run_command(CLI::App& root, int& exit_status);
void add_snapshot_command(CLI::App& root, int& exit_status);
void add_status_command(CLI::App& root, int& exit_status);
void add_lambda_command(CLI::App& root, int& exit_status);
void add_redrive_command(CLI::App& root, int& exit_status);

}  // namespace snaplake::cli
