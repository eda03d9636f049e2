// `snaplake lambda [export|land]`: the AWS Lambda custom-runtime loop, so that the same binary
// deploys as the reference system's two functions (the export function and the copier). The
// stage is the argument, else the function's Handler setting ($_HANDLER). Call chain: this
// callback -> pipeline::load_config -> pipeline::serve_lambda (src/pipeline/lambda_loop.h: the
// Runtime API, each SQS record through the worker's dispatch and failure policy).
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "cli/commands.h"
#include "common/error.h"
#include "common/log.h"
#include "pipeline/config.h"
#include "pipeline/engines.h"
#include "pipeline/lambda_loop.h"

namespace snaplake::cli {

void add_lambda_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand("lambda",
                                  "Serve as an AWS Lambda function (custom runtime) for one stage");
  struct Flags {
    std::string stage;
    std::string config;
    int max_invocations = 0;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("stage", flags->stage,
                  "export (snapshot events) or land (export tasks); default: $_HANDLER, the "
                  "function's Handler setting, so one package serves both functions")
      ->check(CLI::IsMember({"export", "land"}));
  cmd->add_option("--config", flags->config,
                  "The configuration file (default: $SNAPLAKE_CONFIG, else snaplake.toml in the "
                  "working directory if there is one, else the environment alone: "
                  "SNAPLAKE_<SECTION>_<KEY> and SNAPLAKE_INSTANCES). Relative paths in it "
                  "resolve under $TMPDIR or /tmp");
  cmd->add_option("--max-invocations", flags->max_invocations,
                  "Exit after this many invocations (tests); 0 = serve forever");
  cmd->callback([flags, &exit_status] {
    const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
      fail(ErrorKind::Config,
           "AWS_LAMBDA_RUNTIME_API is not set: 'snaplake lambda' runs inside "
           "AWS Lambda (or an emulator of its runtime API)");
    }
    std::string stage = flags->stage;
    if (stage.empty()) {
      const char* handler = std::getenv("_HANDLER");
      stage = handler ? handler : "";
      if (stage != "export" && stage != "land") {
        fail(ErrorKind::Config,
             "no stage: give 'export' or 'land', or set the function's Handler to one of them "
             "(it is passed as _HANDLER; got '{}')",
             log::printable(stage));
      }
    }
    pipeline::LambdaRuntime runtime(api);
    // Lambda's only writable place is /tmp: relative paths of the configuration (the queue's
    // file, export and landing folders) resolve there, never beside the configuration, which
    // sits in the read-only /var/task.
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path writable = tmp && *tmp ? tmp : "/tmp";
    std::string config_file = flags->config;
    if (config_file.empty()) {
      const char* from_env = std::getenv("SNAPLAKE_CONFIG");
      if (from_env && *from_env) {
        config_file = from_env;
      } else if (std::filesystem::exists("snaplake.toml")) {
        config_file = "snaplake.toml";
      }
    }
    std::optional<pipeline::Config> config;
    try {
      config = config_file.empty()
                   ? pipeline::config_from_environment(pipeline::process_environment(), writable)
                   : pipeline::load_config(config_file, pipeline::process_environment(), writable);
    } catch (const Error& e) {
      runtime.init_error(e);
      throw;
    }
    pipeline::serve_lambda(
        *config, pipeline::native_engines(), runtime,
        {.role = stage == "export" ? pipeline::QueueRole::Events : pipeline::QueueRole::Tasks,
         .max_invocations = flags->max_invocations});
    exit_status = 0;
  });
}

}  // namespace snaplake::cli
