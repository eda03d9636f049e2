// Where AWS settings come from, following the AWS conventions (the SDKs' "shared config"):
// AWS_REGION / AWS_DEFAULT_REGION / the profile's region; AWS_ENDPOINT_URL and per-service
// AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SQS); AWS_PROFILE.
// The environment is passed in as a function so that tests never touch the process environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace snaplake::aws {

// Looks up an environment variable; the default reads the process environment.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;
Environment process_environment();

struct AwsConfig {
  std::string region = "us-east-1";
  std::string profile = "default";
  std::string endpoint_url;  // AWS_ENDPOINT_URL: every service, unless overridden below
  std::map<std::string, std::string, std::less<>> service_endpoints;  // "S3" -> url, "SQS" -> url

  // Reads AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<ID>
  // and, for the region only, the profile's `region` in the shared config file.
  static AwsConfig from_environment(const Environment& env);

  // The base URL for a service: the per-service override, then AWS_ENDPOINT_URL, then AWS's
  // regional endpoint https://<prefix>.<region>.amazonaws.com. `service_id` is the SDK id in
  // upper case with '_' for spaces ("S3", "SQS", "SNS", "RDS", "STS", "SECRETS_MANAGER").
  std::string endpoint_for(std::string_view service_id, std::string_view endpoint_prefix) const;
  // Whether the service talks to a custom endpoint (an emulator, an S3-compatible store).
  bool has_custom_endpoint(std::string_view service_id) const;
};

// An INI file as the AWS CLI writes it: section -> key -> value. Missing file -> empty map.
using IniFile = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;
IniFile read_ini_file(const std::string& path);

// Paths of the shared files: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE or ~/.aws/...
std::string shared_credentials_path(const Environment& env);
std::string shared_config_path(const Environment& env);

}  // namespace snaplake::aws
