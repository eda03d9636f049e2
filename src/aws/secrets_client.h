// AWS Secrets Manager, the one operation snaplake needs: GetSecretValue (JSON 1.1 protocol,
// X-Amz-Target secretsmanager.GetSecretValue; signing name "secretsmanager";
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
// The secret's text is returned to the caller and nowhere else: it is never logged, and no
// error message carries it (errors name the secret's ARN and AWS's error code only).
#pragma once

#include <memory>
#include <string>

#include "aws/aws_client.h"

namespace snaplake::aws {

struct AwsSession;

class SecretsManagerClient {
 public:
  SecretsManagerClient(std::shared_ptr<AwsClient> client, std::string endpoint)
      : client_(std::move(client)), endpoint_(std::move(endpoint)) {}
  static SecretsManagerClient from_session(const AwsSession& session);

  // The SecretString of the secret's current version (AWSCURRENT). Throws AwsError (NotFound
  // for ResourceNotFoundException, Auth for AccessDeniedException, …) naming `secret_id`, or
  // Error(InvalidInput) when the secret holds only binary data.
  std::string get_secret_string(const std::string& secret_id) const;

 private:
  std::shared_ptr<AwsClient> client_;
  std::string endpoint_;
};

}  // namespace snaplake::aws
