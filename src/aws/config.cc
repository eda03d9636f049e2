#include "aws/config.h"

#include <cstdlib>
#include <fstream>

#include "common/error.h"

namespace snaplake::aws {
namespace {

std::string trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string home_file(const Environment& env, std::string_view relative) {
  auto home = env("HOME");
  return (home ? *home : std::string(".")) + "/" + std::string(relative);
}

std::string strip_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

IniFile read_ini_file(const std::string& path) {
  IniFile out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line;
  std::string section;
  while (std::getline(in, line)) {
    std::string text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      section = trim(std::string_view(text).substr(1, text.size() - 2));
      out[section];
      continue;
    }
    size_t eq = text.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    out[section][trim(std::string_view(text).substr(0, eq))] =
        trim(std::string_view(text).substr(eq + 1));
  }
  return out;
}

std::string shared_credentials_path(const Environment& env) {
  if (auto path = env("AWS_SHARED_CREDENTIALS_FILE")) return *path;
  return home_file(env, ".aws/credentials");
}

std::string shared_config_path(const Environment& env) {
  if (auto path = env("AWS_CONFIG_FILE")) return *path;
  return home_file(env, ".aws/config");
}

AwsConfig AwsConfig::from_environment(const Environment& env) {
  AwsConfig config;
  if (auto profile = env("AWS_PROFILE")) config.profile = *profile;
  if (auto region = env("AWS_REGION")) {
    config.region = *region;
  } else if (auto fallback = env("AWS_DEFAULT_REGION")) {
    config.region = *fallback;
  } else {
    IniFile file = read_ini_file(shared_config_path(env));
    std::string section = config.profile == "default" ? "default" : "profile " + config.profile;
    if (auto it = file.find(section); it != file.end()) {
      if (auto r = it->second.find("region"); r != it->second.end()) config.region = r->second;
    }
  }
  if (auto url = env("AWS_ENDPOINT_URL")) config.endpoint_url = strip_slash(*url);
  for (const char* id : {"S3", "SQS", "SNS", "RDS", "STS", "KMS", "SECRETS_MANAGER", "GLUE"}) {
    if (auto url = env(std::string("AWS_ENDPOINT_URL_") + id)) {
      config.service_endpoints[id] = strip_slash(*url);
    }
  }
  return config;
}

std::string AwsConfig::endpoint_for(std::string_view service_id,
                                    std::string_view endpoint_prefix) const {
  if (auto it = service_endpoints.find(service_id); it != service_endpoints.end())
    return it->second;
  if (!endpoint_url.empty()) return endpoint_url;
  return fmt::format("https://{}.{}.amazonaws.com", endpoint_prefix, region);
}

bool AwsConfig::has_custom_endpoint(std::string_view service_id) const {
  return !endpoint_url.empty() || service_endpoints.contains(service_id);
}

}  // namespace snaplake::aws
