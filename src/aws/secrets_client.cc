#include "aws/secrets_client.h"

#include <nlohmann/json.hpp>

#include "aws/session.h"

namespace snaplake::aws {

SecretsManagerClient SecretsManagerClient::from_session(const AwsSession& session) {
  return SecretsManagerClient(session.client,
                              session.endpoint("SECRETS_MANAGER", "secretsmanager"));
}

std::string SecretsManagerClient::get_secret_string(const std::string& secret_id) const {
  std::string what = fmt::format("read the Secrets Manager secret '{}'", secret_id);
  std::string body =
      client_->json_call("secretsmanager", endpoint_, "secretsmanager.GetSecretValue",
                         nlohmann::json{{"SecretId", secret_id}}.dump(), what, "1.1");
  // Never quote the answer: it is the secret.
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) fail(ErrorKind::Network, "cannot {}: the answer is not JSON", what);
  auto it = json.find("SecretString");
  if (it == json.end() || !it->is_string()) {
    fail(ErrorKind::InvalidInput, "cannot {}: it has no SecretString (a binary secret?)", what);
  }
  return it->get<std::string>();
}

}  // namespace snaplake::aws
