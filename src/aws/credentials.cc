#include "aws/credentials.h"

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "aws/aws_client.h"
#include "aws/http_client.h"
#include "common/error.h"
#include "common/log.h"
#include "common/timestamp.h"

namespace snaplake::aws {
namespace {

using Clock = std::chrono::system_clock;

// An "Expiration" of STS, IMDS or the container endpoint ("2015-08-30T12:36:00Z").
Clock::time_point expiration_time(std::string_view text) {
  auto t = parse_iso8601(text);
  if (!t) fail(ErrorKind::Auth, "invalid timestamp '{}' in AWS credentials", text);
  return *t;
}


std::string read_text_file(const std::string& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) fail(ErrorKind::Auth, "cannot read {} '{}': {}", what, path, std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// <...Result><Credentials><AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/>
Credentials parse_sts_credentials(const std::string& xml, std::string_view what) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    fail(ErrorKind::Auth, "cannot {}: STS answered with something that is not XML", what);
  }
  pugi::xml_node node = doc.select_node("//Credentials").node();
  Credentials out{node.child("AccessKeyId").text().as_string(),
                  node.child("SecretAccessKey").text().as_string(),
                  node.child("SessionToken").text().as_string(),
                  {}};
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    fail(ErrorKind::Auth, "cannot {}: STS answer has no credentials", what);
  }
  if (std::string expiration = node.child("Expiration").text().as_string(); !expiration.empty()) {
    out.expiration = expiration_time(expiration);
  }
  return out;
}

// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}: the container and IMDS form.
Credentials parse_json_credentials(const std::string& body, std::string_view what) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) fail(ErrorKind::Auth, "cannot {}: the answer is not JSON", what);
  if (json.contains("Code") && json["Code"].is_string() && json["Code"] != "Success") {
    fail(ErrorKind::Auth, "cannot {}: {}", what, json["Code"].get<std::string>());
  }
  Credentials out{json.value("AccessKeyId", ""),
                  json.value("SecretAccessKey", ""),
                  json.value("Token", ""),
                  {}};
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    fail(ErrorKind::Auth, "cannot {}: the answer has no credentials", what);
  }
  if (auto expiration = json.value("Expiration", ""); !expiration.empty()) {
    out.expiration = expiration_time(expiration);
  }
  return out;
}

std::string sts_endpoint(const AwsConfig& config) {
  return config.endpoint_for("STS", "sts");
}

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(Credentials credentials) : credentials_(std::move(credentials)) {}
  Credentials get() override { return credentials_; }
  std::string name() const override { return "static credentials"; }

 private:
  Credentials credentials_;
};

class EnvironmentProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(Environment env) : env_(std::move(env)) {}
  Credentials get() override {
    auto id = env_("AWS_ACCESS_KEY_ID");
    auto secret = env_("AWS_SECRET_ACCESS_KEY");
    if (!id || !secret) {
      fail(ErrorKind::Auth, "no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
    }
    return {*id, *secret, env_("AWS_SESSION_TOKEN").value_or(""), {}};
  }
  std::string name() const override { return "environment"; }

 private:
  Environment env_;
};

class WebIdentityProvider final : public CredentialsProvider {
 public:
  WebIdentityProvider(std::string token_file, std::string role_arn, std::string session_name,
                      std::shared_ptr<HttpClient> http, AwsConfig config)
      : token_file_(std::move(token_file)),
        role_arn_(std::move(role_arn)),
        session_name_(std::move(session_name)),
        http_(std::move(http)),
        config_(std::move(config)) {}

  Credentials get() override {
    std::string what = fmt::format("assume role '{}' with a web identity", role_arn_);
    // The token file is re-read every time: the platform rotates it.
    std::string token = read_text_file(token_file_, "web identity token file");
    std::string body = form_encode({{"Action", "AssumeRoleWithWebIdentity"},
                                    {"Version", "2011-06-15"},
                                    {"RoleArn", role_arn_},
                                    {"RoleSessionName", session_name_},
                                    {"WebIdentityToken", token}});
    AwsRequest request;
    request.service = "sts";
    request.method = "POST";
    request.endpoint = sts_endpoint(config_);
    request.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = body;
    request.anonymous = true;  // the token is the proof; this call is not signed
    AwsClient client(http_, static_credentials({}), config_.region);
    return parse_sts_credentials(client.send(request, what).body, what);
  }
  std::string name() const override { return "web identity"; }

 private:
  std::string token_file_, role_arn_, session_name_;
  std::shared_ptr<HttpClient> http_;
  AwsConfig config_;
};

class AssumeRoleProvider final : public CredentialsProvider {
 public:
  AssumeRoleProvider(std::shared_ptr<CredentialsProvider> source, std::string role_arn,
                     std::string session_name, std::string external_id,
                     std::shared_ptr<HttpClient> http, AwsConfig config)
      : source_(std::move(source)),
        role_arn_(std::move(role_arn)),
        session_name_(std::move(session_name)),
        external_id_(std::move(external_id)),
        http_(std::move(http)),
        config_(std::move(config)) {}

  Credentials get() override {
    std::string what = fmt::format("assume role '{}'", role_arn_);
    QueryParams params{{"RoleArn", role_arn_}, {"RoleSessionName", session_name_}};
    if (!external_id_.empty()) params.emplace_back("ExternalId", external_id_);
    AwsClient client(http_, source_, config_.region);
    return parse_sts_credentials(
        client.query_call("sts", sts_endpoint(config_), "AssumeRole", "2011-06-15", params, what),
        what);
  }
  void invalidate() override { source_->invalidate(); }
  std::string name() const override { return fmt::format("role '{}'", role_arn_); }

 private:
  std::shared_ptr<CredentialsProvider> source_;
  std::string role_arn_, session_name_, external_id_;
  std::shared_ptr<HttpClient> http_;
  AwsConfig config_;
};

class ProfileProvider final : public CredentialsProvider {
 public:
  ProfileProvider(Environment env, std::string profile, std::shared_ptr<HttpClient> http,
                  AwsConfig config)
      : env_(std::move(env)),
        profile_(std::move(profile)),
        http_(std::move(http)),
        config_(std::move(config)) {}

  Credentials get() override { return resolve(profile_, 0)->get(); }
  std::string name() const override { return fmt::format("profile '{}'", profile_); }

 private:
  // A profile's settings: the credentials file section, then the config file's
  // "[profile name]" ("[default]" for the default profile) for what the first lacks.
  std::map<std::string, std::string, std::less<>> settings(const std::string& profile) {
    std::map<std::string, std::string, std::less<>> out;
    IniFile credentials = read_ini_file(shared_credentials_path(env_));
    if (auto it = credentials.find(profile); it != credentials.end()) out = it->second;
    IniFile config = read_ini_file(shared_config_path(env_));
    auto it = config.find(profile == "default" ? "default" : "profile " + profile);
    if (it != config.end()) out.insert(it->second.begin(), it->second.end());
    return out;
  }

  std::shared_ptr<CredentialsProvider> resolve(const std::string& profile, int depth) {
    if (depth > 5)
      fail(ErrorKind::Config, "AWS profile '{}': source_profile chain too long", profile);
    auto s = settings(profile);
    if (s.empty()) {
      fail(ErrorKind::Auth, "no AWS profile '{}' in '{}' or '{}'", profile,
           shared_credentials_path(env_), shared_config_path(env_));
    }
    auto value = [&](std::string_view key) {
      auto it = s.find(key);
      return it == s.end() ? std::string() : it->second;
    };
    std::string role_arn = value("role_arn");
    std::string session_name = value("role_session_name");
    if (session_name.empty()) session_name = "snaplake";
    if (!role_arn.empty() && !value("web_identity_token_file").empty()) {
      return web_identity_credentials(value("web_identity_token_file"), role_arn, session_name,
                                      http_, config_);
    }
    if (!role_arn.empty()) {
      std::shared_ptr<CredentialsProvider> source;
      if (!value("source_profile").empty()) {
        std::string source_profile = value("source_profile");
        // A profile naming itself as source uses its own static keys.
        source = source_profile == profile && !value("aws_access_key_id").empty()
                     ? static_credentials({value("aws_access_key_id"),
                                           value("aws_secret_access_key"),
                                           value("aws_session_token"),
                                           {}})
                     : resolve(source_profile, depth + 1);
      } else if (value("credential_source") == "Environment") {
        source = environment_credentials(env_);
      } else if (value("credential_source") == "Ec2InstanceMetadata") {
        source = instance_metadata_credentials(env_, http_);
      } else if (value("credential_source") == "EcsContainer") {
        source = container_credentials(env_, http_);
      } else {
        fail(ErrorKind::Config, "AWS profile '{}' has role_arn but no source_profile", profile);
      }
      return assume_role(source, role_arn, session_name, value("external_id"), http_, config_);
    }
    if (value("aws_access_key_id").empty() || value("aws_secret_access_key").empty()) {
      fail(ErrorKind::Auth, "AWS profile '{}' has no aws_access_key_id/aws_secret_access_key",
           profile);
    }
    return static_credentials({value("aws_access_key_id"),
                               value("aws_secret_access_key"),
                               value("aws_session_token"),
                               {}});
  }

  Environment env_;
  std::string profile_;
  std::shared_ptr<HttpClient> http_;
  AwsConfig config_;
};

class ContainerProvider final : public CredentialsProvider {
 public:
  ContainerProvider(Environment env, std::shared_ptr<HttpClient> http)
      : env_(std::move(env)), http_(std::move(http)) {}

  Credentials get() override {
    HttpRequest request;
    if (auto relative = env_("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      request.url = "http://169.254.170.2" + *relative;  // the ECS agent's fixed address
    } else if (auto full = env_("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      request.url = *full;
    } else {
      fail(ErrorKind::Auth, "no AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI");
    }
    if (auto file = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      request.headers.emplace_back("Authorization", read_text_file(*file, "container token file"));
    } else if (auto token = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
      request.headers.emplace_back("Authorization", *token);
    }
    std::string what =
        fmt::format("get container credentials from {}", url_without_query(request.url));
    HttpResponse response;
    try {
      response = http_->send(request);
    } catch (const Error& e) {
      fail(ErrorKind::Auth, "cannot {}: {}", what, e.what());
    }
    if (response.status != 200) fail(ErrorKind::Auth, "cannot {}: HTTP {}", what, response.status);
    return parse_json_credentials(response.body, what);
  }
  std::string name() const override { return "container credentials"; }

 private:
  Environment env_;
  std::shared_ptr<HttpClient> http_;
};

class InstanceMetadataProvider final : public CredentialsProvider {
 public:
  InstanceMetadataProvider(Environment env, std::shared_ptr<HttpClient> http)
      : env_(std::move(env)), http_(std::move(http)) {}

  Credentials get() override {
    if (env_("AWS_EC2_METADATA_DISABLED").value_or("") == "true") {
      fail(ErrorKind::Auth, "instance metadata disabled (AWS_EC2_METADATA_DISABLED)");
    }
    std::string base = env_("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
    while (!base.empty() && base.back() == '/') base.pop_back();
    const std::string what = "get credentials from the instance metadata service";
    // IMDSv2: a session token first (PUT, with a TTL), then every GET carries it.
    HttpResponse token = call({"PUT",
                               base + "/latest/api/token",
                               {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                               {}},
                              what);
    Headers auth{{"X-aws-ec2-metadata-token", token.body}};
    std::string listing =
        call({"GET", base + "/latest/meta-data/iam/security-credentials/", auth, {}}, what).body;
    std::string role = listing.substr(0, listing.find('\n'));
    if (role.empty())
      fail(ErrorKind::Auth, "cannot {}: no IAM role attached to the instance", what);
    return parse_json_credentials(
        call({"GET", base + "/latest/meta-data/iam/security-credentials/" + role, auth, {}}, what)
            .body,
        what);
  }
  std::string name() const override { return "instance metadata"; }

 private:
  HttpResponse call(const HttpRequest& request, std::string_view what) {
    HttpResponse response;
    try {
      response = http_->send(request);
    } catch (const Error& e) {
      fail(ErrorKind::Auth, "cannot {}: {}", what, e.what());
    }
    if (response.status != 200) fail(ErrorKind::Auth, "cannot {}: HTTP {}", what, response.status);
    return response;
  }

  Environment env_;
  std::shared_ptr<HttpClient> http_;
};

class RefreshingProvider final : public CredentialsProvider {
 public:
  explicit RefreshingProvider(std::shared_ptr<CredentialsProvider> inner)
      : inner_(std::move(inner)) {}

  Credentials get() override {
    std::lock_guard lock(mutex_);
    if (!cached_ || (cached_->expiration && Clock::now() + kRefreshAhead >= *cached_->expiration)) {
      cached_ = inner_->get();
    }
    return *cached_;
  }
  void invalidate() override {
    std::lock_guard lock(mutex_);
    cached_.reset();
    inner_->invalidate();
  }
  std::string name() const override { return inner_->name(); }

 private:
  std::shared_ptr<CredentialsProvider> inner_;
  std::mutex mutex_;
  std::optional<Credentials> cached_;
};

class ChainProvider final : public CredentialsProvider {
 public:
  explicit ChainProvider(std::vector<std::shared_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}

  Credentials get() override {
    std::lock_guard lock(mutex_);
    if (chosen_) return chosen_->get();
    std::string tried;
    for (const auto& provider : providers_) {
      try {
        Credentials credentials = provider->get();
        chosen_ = provider;
        log::debug("AWS credentials from {}", provider->name());
        return credentials;
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::Auth) throw;  // a broken config file is not "try the next"
        tried += fmt::format("{}{}: {}", tried.empty() ? "" : "; ", provider->name(), e.what());
      }
    }
    fail(ErrorKind::Auth, "no AWS credentials found ({})", tried);
  }
  void invalidate() override {
    std::lock_guard lock(mutex_);
    if (chosen_) chosen_->invalidate();
  }
  std::string name() const override { return chosen_ ? chosen_->name() : "credentials chain"; }

 private:
  std::vector<std::shared_ptr<CredentialsProvider>> providers_;
  std::mutex mutex_;
  std::shared_ptr<CredentialsProvider> chosen_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> static_credentials(Credentials credentials) {
  return std::make_shared<StaticProvider>(std::move(credentials));
}
std::shared_ptr<CredentialsProvider> environment_credentials(Environment env) {
  return std::make_shared<EnvironmentProvider>(std::move(env));
}
std::shared_ptr<CredentialsProvider> profile_credentials(Environment env, std::string profile,
                                                         std::shared_ptr<HttpClient> http,
                                                         AwsConfig config) {
  return refreshing(std::make_shared<ProfileProvider>(std::move(env), std::move(profile),
                                                      std::move(http), std::move(config)));
}
std::shared_ptr<CredentialsProvider> web_identity_credentials(std::string token_file,
                                                              std::string role_arn,
                                                              std::string session_name,
                                                              std::shared_ptr<HttpClient> http,
                                                              AwsConfig config) {
  return refreshing(std::make_shared<WebIdentityProvider>(
      std::move(token_file), std::move(role_arn), std::move(session_name), std::move(http),
      std::move(config)));
}
std::shared_ptr<CredentialsProvider> container_credentials(Environment env,
                                                           std::shared_ptr<HttpClient> http) {
  return refreshing(std::make_shared<ContainerProvider>(std::move(env), std::move(http)));
}
std::shared_ptr<CredentialsProvider> instance_metadata_credentials(
    Environment env, std::shared_ptr<HttpClient> http) {
  return refreshing(std::make_shared<InstanceMetadataProvider>(std::move(env), std::move(http)));
}
std::shared_ptr<CredentialsProvider> assume_role(std::shared_ptr<CredentialsProvider> source,
                                                 std::string role_arn, std::string session_name,
                                                 std::string external_id,
                                                 std::shared_ptr<HttpClient> http,
                                                 AwsConfig config) {
  return refreshing(std::make_shared<AssumeRoleProvider>(
      std::move(source), std::move(role_arn), std::move(session_name), std::move(external_id),
      std::move(http), std::move(config)));
}
std::shared_ptr<CredentialsProvider> refreshing(std::shared_ptr<CredentialsProvider> inner) {
  return std::make_shared<RefreshingProvider>(std::move(inner));
}
std::shared_ptr<CredentialsProvider> chain(
    std::vector<std::shared_ptr<CredentialsProvider>> providers) {
  return std::make_shared<ChainProvider>(std::move(providers));
}

std::shared_ptr<CredentialsProvider> default_credentials(const Environment& env,
                                                         const AwsConfig& config,
                                                         std::shared_ptr<HttpClient> http) {
  std::vector<std::shared_ptr<CredentialsProvider>> providers;
  providers.push_back(environment_credentials(env));
  if (auto token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE")) {
    if (auto role = env("AWS_ROLE_ARN")) {
      providers.push_back(web_identity_credentials(
          *token_file, *role, env("AWS_ROLE_SESSION_NAME").value_or("snaplake"), http, config));
    }
  }
  providers.push_back(profile_credentials(env, config.profile, http, config));
  if (env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") || env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    providers.push_back(container_credentials(env, http));
  }
  // IMDS answers quickly on EC2 and not at all elsewhere: a short-timeout client of its own.
  providers.push_back(instance_metadata_credentials(
      env, HttpClient::create({std::chrono::milliseconds(1000), std::chrono::milliseconds(2000),
                               std::chrono::milliseconds(3000)})));
  return chain(std::move(providers));
}

}  // namespace snaplake::aws
