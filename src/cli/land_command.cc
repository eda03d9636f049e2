// Placeholder until the land command lands: registers the subcommand so the CLI builds.
#include "cli/commands.h"
#include "common/error.h"

namespace snaplake::cli {

void add_land_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand("land", "(not built yet)");
  cmd->callback([&exit_status] {
    exit_status = 1;
    fail(ErrorKind::Unsupported, "'land' is not built yet");
  });
}

}  // namespace snaplake::cli
