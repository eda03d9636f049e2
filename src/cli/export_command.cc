// Placeholder until the export command lands: registers the subcommand so the CLI builds.
#include "cli/commands.h"
#include "common/error.h"

namespace snaplake::cli {

void add_export_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand("export", "(not built yet)");
  cmd->callback([&exit_status] {
    exit_status = 1;
    fail(ErrorKind::Unsupported, "'export' is not built yet");
  });
}

}  // namespace snaplake::cli
