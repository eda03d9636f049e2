// `snaplake lambda export|land`: the AWS Lambda custom-runtime loop, so that the same binary
// deploys as the reference system's two functions (the export function and the copier).
// Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), on the host and
// port in AWS_LAMBDA_RUNTIME_API:
//   GET  /2018-06-01/runtime/invocation/next               -> the event;
//   Lambda-Runtime-Aws-Request-Id POST /2018-06-01/runtime/invocation/<id>/response      <- the
//   result POST /2018-06-01/runtime/invocation/<id>/error         <- {"errorMessage","errorType"}
//   POST /2018-06-01/runtime/init/error                    <- a failure before the first event
// Events are SQS batches {"Records":[{"messageId","body","attributes":{…}},…]}; the answer
// reports the messages that failed as {"batchItemFailures":[{"itemIdentifier":<messageId>}]}
// (ReportBatchItemFailures), so SQS redelivers only those and dead-letters them after the
// queue's maxReceiveCount. An event that is not an SQS batch is handled as one message body.
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "aws/http_client.h"
#include "cli/commands.h"
#include "common/error.h"
#include "common/log.h"
#include "pipeline/config.h"
#include "pipeline/engines.h"
#include "pipeline/queues.h"
#include "pipeline/stages.h"
#include "pipeline/status_store.h"

namespace snaplake::cli {
namespace {

using nlohmann::json;

class RuntimeApi {
 public:
  explicit RuntimeApi(std::string host)
      : base_("http://" + host + "/2018-06-01/runtime"),
        // /next blocks until an invocation arrives, which may take hours.
        http_(aws::HttpClient::create({.connect_timeout = std::chrono::seconds(10),
                                       .stall_timeout = std::chrono::hours(24),
                                       .total_timeout = std::chrono::milliseconds(0)})) {}

  struct Invocation {
    std::string request_id;
    std::string event;
  };

  Invocation next() {
    auto r = http_->send({.method = "GET", .url = base_ + "/invocation/next"});
    if (r.status != 200) {
      fail(ErrorKind::Network, "Lambda runtime API: GET invocation/next answered HTTP {}",
           r.status);
    }
    auto id = r.header("lambda-runtime-aws-request-id");
    if (!id || id->empty()) {
      fail(ErrorKind::InvalidInput, "Lambda runtime API: an invocation without a request id");
    }
    return {*id, std::move(r.body)};
  }

  void respond(const std::string& request_id, const std::string& body) {
    post(base_ + "/invocation/" + request_id + "/response", body);
  }

  void error(const std::string& request_id, const Error& e) {
    post_error(base_ + "/invocation/" + request_id + "/error", e);
  }
  void init_error(const Error& e) { post_error(base_ + "/init/error", e); }

 private:
  void post_error(const std::string& url, const Error& e) {
    json body = {{"errorMessage", log::redact(e.what())},
                 {"errorType", fmt::format("snaplake.{}", to_string(e.kind()))}};
    post(url, body.dump(), "Unhandled");
  }

  void post(const std::string& url, const std::string& body, std::string_view error_type = {}) {
    aws::HttpRequest request{.method = "POST", .url = url, .body = body};
    request.headers.emplace_back("Content-Type", "application/json");
    if (!error_type.empty()) {
      request.headers.emplace_back("Lambda-Runtime-Function-Error-Type", std::string(error_type));
    }
    auto r = http_->send(request);
    if (r.status != 202 && r.status != 200) {
      log::warn("Lambda runtime API: POST {} answered HTTP {}", aws::url_without_query(url),
                r.status);
    }
  }

  std::string base_;
  std::shared_ptr<aws::HttpClient> http_;
};

// Handles one invocation; returns the response body.
std::string handle_invocation(pipeline::StageContext& context, bool export_stage,
                              const std::string& event) {
  std::string queue_name = export_stage ? "events" : "tasks";
  auto handle = [&](const queue::Message& message) {
    log::Scope scope("message_id", message.id);
    if (export_stage) {
      pipeline::handle_event(context, message, queue_name);
    } else {
      pipeline::handle_task(context, message, queue_name);
    }
  };
  json root = json::parse(event, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object() || !root.contains("Records") || !root["Records"].is_array()) {
    handle(queue::Message{"invocation", event, "", 1});
    return "{}";
  }
  json failures = json::array();
  for (const json& record : root["Records"]) {
    queue::Message message;
    message.id = record.value("messageId", "");
    message.body = record.value("body", "");
    message.receive_count = 1;
    if (record.contains("attributes") && record["attributes"].is_object()) {
      std::string count = record["attributes"].value("ApproximateReceiveCount", "1");
      message.receive_count = std::atoi(count.c_str());
    }
    try {
      handle(message);
    } catch (const std::exception& e) {
      std::string cause = log::redact(e.what());
      if (const auto* error = dynamic_cast<const Error*>(&e)) {
        cause = fmt::format("{}: {}", to_string(error->kind()), cause);
      }
      log::error("message {} failed (receive {}): {}", message.id, message.receive_count, cause);
      context.status.note(queue_name, message.id, "failed", cause);
      failures.push_back({{"itemIdentifier", message.id}});
    }
  }
  return json{{"batchItemFailures", failures}}.dump();
}

}  // namespace

void add_lambda_command(CLI::App& root, int& exit_status) {
  auto* cmd = root.add_subcommand("lambda",
                                  "Serve as an AWS Lambda function (custom runtime) for one stage");
  struct Flags {
    std::string stage;
    std::string config;
    int max_invocations = 0;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("stage", flags->stage, "export (snapshot events) or land (export tasks)")
      ->required()
      ->check(CLI::IsMember({"export", "land"}));
  cmd->add_option("--config", flags->config,
                  "The configuration file (default: $SNAPLAKE_CONFIG, else snaplake.toml "
                  "beside the binary's working directory)");
  cmd->add_option("--max-invocations", flags->max_invocations,
                  "Exit after this many invocations (tests); 0 = serve forever");
  cmd->callback([flags, &exit_status] {
    const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
      fail(ErrorKind::Config,
           "AWS_LAMBDA_RUNTIME_API is not set: 'snaplake lambda' runs inside "
           "AWS Lambda (or an emulator of its runtime API)");
    }
    RuntimeApi runtime(api);
    std::string config_file = flags->config;
    if (config_file.empty()) {
      const char* from_env = std::getenv("SNAPLAKE_CONFIG");
      config_file = from_env && *from_env ? from_env : "snaplake.toml";
    }
    bool export_stage = flags->stage == "export";
    std::optional<pipeline::Config> config;
    std::unique_ptr<queue::Queue> tasks;
    std::unique_ptr<queue::Queue> events;
    std::unique_ptr<pipeline::StatusStore> status;
    pipeline::Engines engines = pipeline::native_engines();
    try {
      config = pipeline::load_config(config_file, pipeline::process_environment());
      // The export stage sends task messages; both stages re-send, with a delay, a message that
      // waits for RDS to its own queue (pipeline/waits.h), and Lambda deletes the one it got.
      tasks = pipeline::open_queue(*config, pipeline::QueueRole::Tasks);
      if (export_stage) events = pipeline::open_queue(*config, pipeline::QueueRole::Events);
      status = pipeline::StatusStore::open(config->status_path());
    } catch (const Error& e) {
      runtime.init_error(e);
      throw;
    }
    pipeline::StageContext context{*config, engines, *status, tasks.get(), events.get()};
    log::info("serving Lambda invocations of the {} stage", flags->stage);
    for (int served = 0; flags->max_invocations == 0 || served < flags->max_invocations; ++served) {
      auto invocation = runtime.next();
      log::Scope scope("request_id", invocation.request_id);
      try {
        runtime.respond(invocation.request_id,
                        handle_invocation(context, export_stage, invocation.event));
      } catch (const Error& e) {
        log::error("invocation failed: {}", log::redact(e.what()));
        runtime.error(invocation.request_id, e);
      } catch (const std::exception& e) {
        Error internal(ErrorKind::Internal, e.what());
        log::error("invocation failed: {}", log::redact(e.what()));
        runtime.error(invocation.request_id, internal);
      }
    }
    exit_status = 0;
  });
}

}  // namespace snaplake::cli
