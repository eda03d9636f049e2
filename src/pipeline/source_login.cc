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

std::optional<LoginProblem> login_problem(const InstanceConfig& instance, const LoginNames& names) {
  const bool secret = !instance.password_secret_arn.empty();
  if (instance.engine == Engine::Rds && (instance.iam_auth || secret)) {
    return LoginProblem{instance.iam_auth ? names.iam_auth : names.password_secret_arn,
                        fmt::format("applies to engines that connect to the database, not to "
                                    "\"{}\"",
                                    to_string(instance.engine))};
  }
  if (!instance.iam_auth) return std::nullopt;
  if (secret) {
    return LoginProblem{names.iam_auth, fmt::format("use either {} or {}, not both", names.iam_auth,
                                                    names.password_secret_arn)};
  }
  if (instance.engine == Engine::Mysql) {
    return LoginProblem{
        names.iam_auth,
        fmt::format("is not supported for engine \"mysql\" yet (RDS MySQL takes the token "
                    "through the cleartext plugin): give the login in {}, MYSQL_PWD or an "
                    "option file",
                    names.password_secret_arn)};
  }
  pg::ConnInfo info;
  try {
    info = pg::parse_conninfo(instance.source);
  } catch (const Error&) {
    return std::nullopt;  // the source's own check says what is wrong with it
  }
  // RDS accepts an IAM token over TLS only; and a token is a password worth protecting.
  if (info.user.empty()) {
    return LoginProblem{names.source,
                        fmt::format("{} needs the URI to name the user", names.iam_auth)};
  }
  if (info.host.empty() || info.host.starts_with('/')) {
    return LoginProblem{
        names.source, fmt::format("{} needs the URI to name the instance's host", names.iam_auth)};
  }
  if (info.sslmode != "require" && info.sslmode != "verify-ca" && info.sslmode != "verify-full") {
    return LoginProblem{
        names.source,
        fmt::format("{} needs TLS: add ?sslmode=require (or verify-ca, verify-full) to the URI "
                    "(it has {})",
                    names.iam_auth, info.sslmode.empty() ? "none" : "sslmode=" + info.sslmode)};
  }
  return std::nullopt;
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
