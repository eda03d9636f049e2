#include "pipeline/source_login.h"

#include <nlohmann/json.hpp>

#include "aws/rds_auth_token.h"
#include "aws/secrets_client.h"
#include "common/error.h"
#include "pg/connection.h"
#include "sources/open_source.h"

namespace snaplake::pipeline {

Login login_from_secret(std::string_view secret_text, std::string_view uri_user,
                        std::string_view secret_arn) {
  Login login{std::string(uri_user), std::string(secret_text)};
  size_t start = secret_text.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && secret_text[start] == '{') {
    auto json = nlohmann::json::parse(secret_text, nullptr, false);
    if (json.is_object()) {
      auto password = json.find("password");
      if (password == json.end() || !password->is_string()) {
        fail(ErrorKind::Config, "secret '{}' is JSON without a \"password\" string", secret_arn);
      }
      login.password = password->get<std::string>();
      if (auto user = json.find("username"); user != json.end() && user->is_string()) {
        std::string secret_user = user->get<std::string>();
        if (!uri_user.empty() && secret_user != uri_user) {
          fail(ErrorKind::Config,
               "secret '{}' is the login of user '{}', but the source URI names user '{}'",
               secret_arn, secret_user, uri_user);
        }
        login.user = secret_user;
      }
    }
  }
  if (login.password.empty())
    fail(ErrorKind::Config, "secret '{}' holds an empty password", secret_arn);
  return login;
}

LoginSource source_login(const InstanceConfig& instance,
                         const std::shared_ptr<const aws::AwsSession>& session) {
  if (instance.password_secret_arn.empty() && !instance.iam_auth) return {};
  if (!session) {
    fail(ErrorKind::Internal, "instance {}: its login needs the process's AWS session",
         instance.id);
  }
  if (!instance.password_secret_arn.empty()) {
    std::string uri_user = sources::source_user(instance.source);
    std::string text = aws::SecretsManagerClient::from_session(*session).get_secret_string(
        instance.password_secret_arn);
    Login login = login_from_secret(text, uri_user, instance.password_secret_arn);
    return [login] { return login; };
  }
  // iam_auth: PostgreSQL only (the configuration refuses it for mysql).
  pg::ConnInfo info = pg::parse_conninfo(instance.source);
  int port = info.port.empty() ? 5432 : std::stoi(info.port);
  return [session, info, port] {
    aws::Credentials credentials = session->credentials->get();
    return Login{info.user, aws::rds_auth_token(info.host, port, info.user, session->config.region,
                                                credentials, std::chrono::system_clock::now())};
  };
}

}  // namespace snaplake::pipeline
