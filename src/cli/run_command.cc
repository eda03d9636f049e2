// `snaplake run --config F [--stage export|land|all] [--drain] [--workers N]`: the pipeline's
// workers (src/pipeline/worker.h). Call chain: this callback -> pipeline::load_config ->
// N threads of Worker::open(...)->run() -> handle_event / handle_task (stages.cc) ->
// exporter::run_export / landing::land. SIGTERM or SIGINT stops every worker after the message
// it is on; a second signal exits at once.
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "common/error.h"
#include "common/log.h"
#include "ops/http_server.h"
#include "ops/metrics.h"
#include "pipeline/config.h"
#include "pipeline/ops_endpoints.h"
#include "pipeline/queues.h"
#include "pipeline/session.h"
#include "pipeline/worker.h"

namespace snaplake::cli {
namespace {}  // namespace

void add_run_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand(
      "run", "Run the pipeline's workers: snapshot events -> exports -> landings");
  struct Flags {
    std::string config;
    std::string stage = "all";
    bool drain = false;
    int workers = 1;
    std::string listen;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--config", flags->config, "The configuration file (snaplake.toml)")->required();
  cmd->add_option("--stage", flags->stage, "Which stage to serve")
      ->check(CLI::IsMember(pipeline::kStageSelectionNames.names()));
  cmd->add_flag("--drain", flags->drain,
                "Exit once every queue served is empty and nothing is delayed (tests, cron); "
                "exit 10 if messages were dead-lettered during the run");
  cmd->add_option("--workers", flags->workers, "Worker threads in this process")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--listen", flags->listen,
                  "Serve /metrics (Prometheus), /healthz, /readyz and a status page at / over "
                  "HTTP on PORT (127.0.0.1) or HOST:PORT (e.g. 0.0.0.0:9464 to listen wider)");
  cmd->callback([flags, &exit_status] {
    pipeline::Config config = pipeline::load_config(flags->config, pipeline::process_environment());
    pipeline::WorkerOptions options;
    options.stages = *pipeline::kStageSelectionNames.find(flags->stage);  // checked by CLI11
    options.drain = flags->drain;
    options.stop = &interrupt_on_signals();
    std::atomic<bool> stop_all{false};  // a worker failed: the others stop too
    options.also_stop = &stop_all;
    pipeline::Engines engines = pipeline::native_engines();
    options.aws = pipeline::aws_session(config);  // one for every worker of the process
    options.activity = std::make_shared<pipeline::ProcessActivity>();
    ops::Registry metrics;  // what --listen's /metrics shows
    if (!flags->listen.empty()) options.metrics = &metrics;

    log::info("serving stage {} of {} with {} worker(s){}", flags->stage, config.file,
              flags->workers, flags->drain ? " until drained" : "");
    // Open every worker first, so that a bad queue or status file fails before any work starts.
    std::vector<std::unique_ptr<pipeline::Worker>> workers;
    for (int i = 0; i < flags->workers; ++i) {
      workers.push_back(pipeline::Worker::open(config, engines, options));
    }
    // The dead-letter queues' sizes before the run: a message the queue itself dead-letters (its
    // max_receives, SQS's redrive policy) is no worker's count, but grows them.
    auto dead_letters_now = [&] {
      uint64_t dead = 0;
      for (auto role : {pipeline::QueueRole::Events, pipeline::QueueRole::Tasks}) {
        dead += pipeline::open_queue(config, role, options.aws)->counts().dead;
      }
      return dead;
    };
    const uint64_t dead_before = flags->drain ? dead_letters_now() : 0;
    // The operations endpoints (docs/operations.md), served while the workers run; stopped
    // (the server first) when they have.
    std::unique_ptr<pipeline::OpsEndpoints> endpoints;
    std::unique_ptr<ops::HttpServer> server;
    if (!flags->listen.empty()) {
      auto address = ops::parse_listen_address(flags->listen);
      endpoints = pipeline::OpsEndpoints::open(config, options.aws, metrics);
      server = ops::HttpServer::start(
          address, [&endpoints](std::string_view path) { return endpoints->answer(path); });
      log::info("serving http://{}/ (/metrics, /healthz, /readyz)", server->address());
    }
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> failures(workers.size());
    for (size_t i = 0; i < workers.size(); ++i) {
      threads.emplace_back([&, i] {
        log::Scope scope("worker", std::to_string(i + 1));
        try {
          workers[i]->run();
        } catch (...) {
          failures[i] = std::current_exception();
          stop_all = true;
        }
      });
    }
    for (auto& t : threads) t.join();
    server.reset();
    for (auto& failure : failures) {
      if (failure) std::rethrow_exception(failure);
    }
    pipeline::WorkerCounts total;
    for (const auto& w : workers) {
      total.done += w->counts().done;
      total.retried += w->counts().retried;
      total.dead_lettered += w->counts().dead_lettered;
    }
    std::printf("%s: %llu messages done, %llu retried, %llu dead-lettered\n",
                options.stop->load() ? "stopped" : "drained",
                static_cast<unsigned long long>(total.done),
                static_cast<unsigned long long>(total.retried),
                static_cast<unsigned long long>(total.dead_lettered));
    exit_status = 0;
    if (flags->drain) {
      uint64_t dead_after = dead_letters_now();
      if (total.dead_lettered > 0 || dead_after > dead_before) {
        log::warn(
            "drained with dead letters: {} dead-lettered by this run's workers, {} in the "
            "dead-letter queues now ({} before); see snaplake status, then snaplake redrive",
            total.dead_lettered, dead_after, dead_before);
        exit_status = kExitDeadLettered;  // docs/commands.md, "Exit codes"
      }
    }
  });
}

}  // namespace snaplake::cli
