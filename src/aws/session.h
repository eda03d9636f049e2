// Everything a service client needs, resolved once: settings (region, endpoints), one HTTP
// client (shared connection pool) and the credentials chain, bundled with a ready AwsClient.
//
//   auto session = aws::AwsSession::from_environment();            // AWS_* variables
//   auto session = aws::AwsSession::from_environment({"eu-west-2", "http://127.0.0.1:5000"});
//   session->client->json_call("sqs", session->endpoint("SQS", "sqs"), "AmazonSQS.SendMessage",
//                              body, "send to queue 'q'");
//   auto raw_zone = session->assume("arn:aws:iam::222222222222:role/raw-zone-writer");
//
// Creating a session does no I/O: credentials are looked up on the first signed request.
#pragma once

#include <memory>
#include <string>

#include "aws/aws_client.h"
#include "aws/config.h"
#include "aws/credentials.h"
#include "aws/http_client.h"

namespace snaplake::aws {

struct SessionOverrides {
  std::string region;        // "" = from the environment (e.g. snaplake.toml [aws] region)
  std::string endpoint_url;  // "" = from the environment (e.g. [aws] endpoint_url)
};

struct AwsSession {
  AwsConfig config;
  std::shared_ptr<HttpClient> http;
  std::shared_ptr<CredentialsProvider> credentials;
  std::shared_ptr<AwsClient> client;

  static std::shared_ptr<AwsSession> from_environment(
      const SessionOverrides& overrides = {}, const Environment& env = process_environment());
  // The same settings, acting as another role (STS AssumeRole with this session's credentials),
  // e.g. to write into the raw-zone bucket of another account.
  std::shared_ptr<AwsSession> assume(const std::string& role_arn,
                                     const std::string& session_name = "snaplake",
                                     const std::string& external_id = "") const;

  std::string endpoint(std::string_view service_id, std::string_view endpoint_prefix) const {
    return config.endpoint_for(service_id, endpoint_prefix);
  }
};

}  // namespace snaplake::aws
