// How an instance's connections log in when the configuration says where the password comes
// from ([[instances]] password_secret_arn or iam_auth; docs/configuration.md): the one function
// every engine that connects to a database calls (postgres and mysql), giving a Login held in
// memory that the engine hands to its client library as connection parameters.
//
// - password_secret_arn: Secrets Manager GetSecretValue, read once per export. RDS's managed
//   form is JSON {"username": …, "password": …}; any other text is the password itself. The
//   secret's username is used when the URI names no user; naming another one is an error.
// - iam_auth: an RDS IAM authentication token (aws/rds_auth_token.h) for the URI's host, port
//   and user, signed for the session's region with the session's credentials, made anew for
//   each connection (a token opens connections for 15 minutes). The URI must ask for TLS
//   (checked when the configuration is loaded). PostgreSQL only: RDS MySQL takes the token
//   through the cleartext authentication plugin, which is not done yet (the configuration
//   refuses iam_auth for engine "mysql").
// Neither the password nor the secret's text appears in any message: errors name the secret's
// ARN and the cause.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/session.h"
#include "common/login.h"
#include "pipeline/config.h"

namespace snaplake::pipeline {

// A login setting the instance cannot have, checked without I/O, for the configuration loader
// ([[instances]], exit 3) and `snaplake export`'s flags (exit 2): iam_auth needs TLS
// (`sslmode=require`, `verify-ca` or `verify-full`), the URI's user and the instance's host, and
// PostgreSQL; not both; neither for the rds engine. `key` is the setting it is about, spelt as
// `names` spells them (the configuration's keys by default), and `cause` names them so too.
struct LoginNames {
  std::string source = "source";
  std::string password_secret_arn = "password_secret_arn";
  std::string iam_auth = "iam_auth";
};
struct LoginProblem {
  std::string key;
  std::string cause;
};
std::optional<LoginProblem> login_problem(const InstanceConfig& instance,
                                          const LoginNames& names = {});

// An empty LoginSource when the instance names neither (libpq's own places apply). Reads the
// secret now, so that a missing or forbidden secret fails before anything is exported.
LoginSource source_login(const InstanceConfig& instance,
                         const std::shared_ptr<const aws::AwsSession>& session);

// The login a secret's text stands for (pure; see above). `uri_user` is the source URI's user
// ("" for none). Throws Error(Config) naming `secret_arn`, never quoting the text.
Login login_from_secret(std::string_view secret_text, std::string_view uri_user,
                        std::string_view secret_arn);

}  // namespace snaplake::pipeline
