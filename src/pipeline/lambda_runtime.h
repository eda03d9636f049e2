// The AWS Lambda Runtime API, as a custom runtime talks to it
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), on the host and port in
// AWS_LAMBDA_RUNTIME_API:
//   GET  /2018-06-01/runtime/invocation/next           -> the event, Lambda-Runtime-Aws-Request-Id,
//                                                         Lambda-Runtime-Deadline-Ms
//   POST /2018-06-01/runtime/invocation/<id>/response  <- the result
//   POST /2018-06-01/runtime/invocation/<id>/error     <- {"errorMessage","errorType"}
//   POST /2018-06-01/runtime/init/error                <- a failure before the first event
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "aws/http_client.h"
#include "common/error.h"

namespace snaplake::pipeline {

class LambdaRuntime {
 public:
  // `host` is AWS_LAMBDA_RUNTIME_API's value ("127.0.0.1:9001").
  explicit LambdaRuntime(std::string host);

  struct Invocation {
    std::string request_id;
    std::string event;
    // When Lambda stops the function (Lambda-Runtime-Deadline-Ms); the epoch if not given.
    std::chrono::system_clock::time_point deadline;
  };

  // Blocks until the next invocation arrives (which may take hours).
  Invocation next();
  void respond(const std::string& request_id, const std::string& body);
  void error(const std::string& request_id, const Error& e);
  void init_error(const Error& e);

 private:
  void post_error(const std::string& url, const Error& e);
  void post(const std::string& url, const std::string& body, std::string_view error_type = {});

  std::string base_;
  std::shared_ptr<aws::HttpClient> http_;
};

}  // namespace snaplake::pipeline
