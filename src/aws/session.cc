#include "aws/session.h"

namespace snaplake::aws {

std::shared_ptr<AwsSession> AwsSession::from_environment(const SessionOverrides& overrides,
                                                         const Environment& env) {
  auto session = std::make_shared<AwsSession>();
  session->config = AwsConfig::from_environment(env);
  if (!overrides.region.empty()) session->config.region = overrides.region;
  if (!overrides.endpoint_url.empty()) {
    std::string url = overrides.endpoint_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    session->config.endpoint_url = url;
  }
  session->http = HttpClient::create();
  session->credentials = default_credentials(env, session->config, session->http);
  session->client =
      std::make_shared<AwsClient>(session->http, session->credentials, session->config.region);
  return session;
}

std::shared_ptr<AwsSession> AwsSession::assume(const std::string& role_arn,
                                               const std::string& session_name,
                                               const std::string& external_id) const {
  auto other = std::make_shared<AwsSession>(*this);
  other->credentials = assume_role(credentials, role_arn, session_name, external_id, http, config);
  other->client = std::make_shared<AwsClient>(http, other->credentials, config.region);
  return other;
}

}  // namespace snaplake::aws
