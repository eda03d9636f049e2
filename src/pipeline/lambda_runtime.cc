#include "pipeline/lambda_runtime.h"

#include <nlohmann/json.hpp>

#include "common/log.h"

namespace snaplake::pipeline {

LambdaRuntime::LambdaRuntime(std::string host)
    : base_("http://" + host + "/2018-06-01/runtime"),
      // /next blocks until an invocation arrives, which may take hours.
      http_(aws::HttpClient::create({.connect_timeout = std::chrono::seconds(10),
                                     .stall_timeout = std::chrono::hours(24),
                                     .total_timeout = std::chrono::milliseconds(0)})) {}

LambdaRuntime::Invocation LambdaRuntime::next() {
  auto r = http_->send({.method = "GET", .url = base_ + "/invocation/next"});
  if (r.status != 200) {
    fail(ErrorKind::Network, "Lambda runtime API: GET invocation/next answered HTTP {}", r.status);
  }
  auto id = r.header("lambda-runtime-aws-request-id");
  if (!id || id->empty()) {
    fail(ErrorKind::InvalidInput, "Lambda runtime API: an invocation without a request id");
  }
  Invocation invocation{*id, std::move(r.body), {}};
  if (auto deadline = r.header("lambda-runtime-deadline-ms")) {
    try {
      invocation.deadline =
          std::chrono::system_clock::time_point(std::chrono::milliseconds(std::stoll(*deadline)));
    } catch (const std::exception&) {
      log::warn("Lambda runtime API: unreadable Lambda-Runtime-Deadline-Ms '{}'", *deadline);
    }
  }
  return invocation;
}

void LambdaRuntime::respond(const std::string& request_id, const std::string& body) {
  post(base_ + "/invocation/" + request_id + "/response", body);
}

void LambdaRuntime::error(const std::string& request_id, const Error& e) {
  post_error(base_ + "/invocation/" + request_id + "/error", e);
}

void LambdaRuntime::init_error(const Error& e) {
  post_error(base_ + "/init/error", e);
}

void LambdaRuntime::post_error(const std::string& url, const Error& e) {
  nlohmann::json body = {{"errorMessage", log::redact(e.what())},
                         {"errorType", fmt::format("snaplake.{}", to_string(e.kind()))}};
  post(url, body.dump(), "Unhandled");
}

void LambdaRuntime::post(const std::string& url, const std::string& body,
                         std::string_view error_type) {
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

}  // namespace snaplake::pipeline
