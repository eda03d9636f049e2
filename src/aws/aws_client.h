// The generic signed-request helper every AWS service client uses (S3 here; SQS, SNS, RDS, STS,
// Secrets Manager, KMS elsewhere). It adds the SigV4 headers, signs, sends, retries what can
// succeed on a retry, and turns an error response into one clear line.
//
// Protocols:
// - REST-XML (S3): build an AwsRequest (method, path, query, headers, body) and call send().
// - Query (STS, SNS, RDS; SQS's old protocol): query_call(service, endpoint, "AssumeRole",
//   "2011-06-15", {{"RoleArn", ...}}) POSTs Action=...&Version=...&<params> as
//   application/x-www-form-urlencoded and returns the XML body of a 2xx answer.
// - JSON (SQS "AmazonSQS.SendMessage", Secrets Manager "secretsmanager.GetSecretValue", KMS
//   "TrentService.Decrypt"): json_call(service, endpoint, target, body) POSTs the JSON with
//   X-Amz-Target and Content-Type application/x-amz-json-1.0 (or "1.1") and returns the body.
// Endpoints come from AwsConfig::endpoint_for ("SQS", "sqs") so that AWS_ENDPOINT_URL(_SQS)
// work; signing names are the lowercase service names ("sqs", "sns", "rds", "sts",
// "secretsmanager", "kms", "s3").
//
// Retries (jittered exponential backoff, "full jitter": sleep uniform(0, min(cap, base*2^n))):
// connection failures, resets and timeouts; HTTP 500, 502, 503, 504 and 429; throttling codes
// (SlowDown, Throttling, ThrottlingException, RequestLimitExceeded, TooManyRequestsException,
// ProvisionedThroughputExceededException, RequestThrottled) and S3's RequestTimeout /
// InternalError. An expired-token answer drops cached credentials and tries once more. Every
// other 4xx fails at once: retrying cannot help.
//
// Errors: AwsError (an Error) with the HTTP status and the service's error code; its message is
// "cannot <what>: HTTP <status> <Code>: <Message>" and never contains credentials.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/http_client.h"
#include "aws/sigv4.h"
#include "common/error.h"

namespace snaplake::aws {

class AwsError : public Error {
 public:
  AwsError(ErrorKind kind, std::string message, long status, std::string code)
      : Error(kind, std::move(message)), status_(status), code_(std::move(code)) {}
  long status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  long status_;
  std::string code_;
};

struct RetryPolicy {
  int max_attempts = 6;
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{5000};
};

struct AwsRequest {
  std::string service;  // signing name: "s3", "sqs", "sts", ...
  std::string method = "GET";
  std::string endpoint;    // "https://sqs.eu-west-2.amazonaws.com" (no trailing '/')
  std::string path = "/";  // URI-encoded once
  QueryParams query;       // raw names and values
  Headers headers;         // extra headers to send and sign (content-type, x-amz-target, ...)
  std::string_view body;   // not owned
  bool anonymous = false;  // send unsigned (STS AssumeRoleWithWebIdentity)
  bool content_sha256_header = false;  // S3: send x-amz-content-sha256
};

class AwsClient {
 public:
  AwsClient(std::shared_ptr<HttpClient> http, std::shared_ptr<CredentialsProvider> credentials,
            std::string region, RetryPolicy retry = {})
      : http_(std::move(http)),
        credentials_(std::move(credentials)),
        region_(std::move(region)),
        retry_(retry) {}

  // Returns a 2xx response, or a response whose status is listed in `accept` (e.g. 404 for a
  // HEAD); throws AwsError otherwise. `what` names the action for messages: "put 's3://b/k'".
  HttpResponse send(const AwsRequest& request, std::string_view what,
                    std::initializer_list<long> accept = {}) const;

  std::string query_call(std::string_view service, std::string_view endpoint,
                         std::string_view action, std::string_view version,
                         const QueryParams& params, std::string_view what) const;

  std::string json_call(std::string_view service, std::string_view endpoint,
                        std::string_view target, std::string_view json_body, std::string_view what,
                        std::string_view json_version = "1.0") const;

  const std::string& region() const { return region_; }
  const std::shared_ptr<HttpClient>& http() const { return http_; }
  const RetryPolicy& retry_policy() const { return retry_; }

 private:
  HttpResponse send_once(const AwsRequest& request) const;

  std::shared_ptr<HttpClient> http_;
  std::shared_ptr<CredentialsProvider> credentials_;
  std::string region_;
  RetryPolicy retry_;
};

// The error code and message of an AWS error response (XML or JSON); empty when none.
struct ErrorDetails {
  std::string code;
  std::string message;
};
ErrorDetails parse_error(const HttpResponse& response);

// Whether a failed answer may succeed if sent again.
bool is_retryable(long status, std::string_view code);

// application/x-www-form-urlencoded, as the query protocol expects.
std::string form_encode(const QueryParams& params);

// "https://host:8443/x" -> "host:8443"; the Host header value (port kept when not default).
std::string host_of(std::string_view url);

}  // namespace snaplake::aws
