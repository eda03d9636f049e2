// AWS credentials: where they come from and when they are renewed. The default chain follows the
// SDKs' order:
//   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//   2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (STS AssumeRoleWithWebIdentity;
//      EKS service accounts, GitHub OIDC)
//   3. shared files for AWS_PROFILE: ~/.aws/credentials and ~/.aws/config (static keys, or
//      role_arn + source_profile -> STS AssumeRole, or role_arn + web_identity_token_file, or
//      credential_process: a command run without a shell, its words split as botocore's
//      shlex.split does, printing {"Version": 1, "AccessKeyId", "SecretAccessKey",
//      "SessionToken", "Expiration"}; run again before Expiration). SSO profiles (sso_start_url,
//      sso_session) are not supported: a clear error says to use
//      `aws configure export-credentials --format process` as their credential_process.
//   4. container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS) or _FULL_URI with
//      AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE] (EKS Pod Identity, Lambda-like hosts)
//   5. EC2 instance metadata, IMDSv2 (a session token from PUT /latest/api/token first);
//      AWS_EC2_METADATA_DISABLED=true skips it, AWS_EC2_METADATA_SERVICE_ENDPOINT moves it.
// and assume_role() wraps any provider to act as a role in another account (cross-account).
// Temporary credentials are cached and renewed kRefreshAhead before they expire.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/config.h"
#include "aws/sigv4.h"

namespace snaplake::aws {

class HttpClient;

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // The current credentials; throws Error(Auth) when this source has none or cannot get them.
  virtual Credentials get() = 0;
  // Drops cached credentials (the server said they expired); the next get() fetches anew.
  virtual void invalidate() {}
  // For messages: "environment", "profile 'x'", "container", "instance metadata", ...
  virtual std::string name() const = 0;
};

inline constexpr std::chrono::minutes kRefreshAhead{5};

std::shared_ptr<CredentialsProvider> static_credentials(Credentials credentials);
std::shared_ptr<CredentialsProvider> environment_credentials(Environment env);
std::shared_ptr<CredentialsProvider> profile_credentials(Environment env, std::string profile,
                                                         std::shared_ptr<HttpClient> http,
                                                         AwsConfig config);
std::shared_ptr<CredentialsProvider> web_identity_credentials(std::string token_file,
                                                              std::string role_arn,
                                                              std::string session_name,
                                                              std::shared_ptr<HttpClient> http,
                                                              AwsConfig config);
std::shared_ptr<CredentialsProvider> container_credentials(Environment env,
                                                           std::shared_ptr<HttpClient> http);
std::shared_ptr<CredentialsProvider> instance_metadata_credentials(
    Environment env, std::shared_ptr<HttpClient> http);
// Acts as `role_arn` using `source` credentials (STS AssumeRole), e.g. a role in the raw-zone
// account. `external_id` may be empty.
std::shared_ptr<CredentialsProvider> assume_role(std::shared_ptr<CredentialsProvider> source,
                                                 std::string role_arn, std::string session_name,
                                                 std::string external_id,
                                                 std::shared_ptr<HttpClient> http,
                                                 AwsConfig config);
// Caches what `inner` returns until kRefreshAhead before its expiration; thread-safe.
std::shared_ptr<CredentialsProvider> refreshing(std::shared_ptr<CredentialsProvider> inner);
// Tries each provider in turn; remembers the first that works. Throws Error(Auth) listing
// what was tried when none does.
std::shared_ptr<CredentialsProvider> chain(
    std::vector<std::shared_ptr<CredentialsProvider>> providers);

// The standard chain described above.
std::shared_ptr<CredentialsProvider> default_credentials(const Environment& env,
                                                         const AwsConfig& config,
                                                         std::shared_ptr<HttpClient> http);

}  // namespace snaplake::aws
