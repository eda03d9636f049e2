#include "aws/credentials.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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

// credential_process: the command runs without a shell, its words split as botocore splits them
// (shlex.split: whitespace separates words; '…' keeps everything literally; "…" keeps all but
// \" and \\; a backslash outside quotes escapes the next character). No variables, globs,
// pipes or redirections are expanded: a command that needs them names a script.
std::vector<std::string> split_command(std::string_view command, std::string_view profile) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
    } else if (c == '\'' || c == '"') {
      size_t end = i + 1;
      while (end < command.size() && command[end] != c) {
        if (c == '"' && command[end] == '\\' && end + 1 < command.size() &&
            (command[end + 1] == '"' || command[end + 1] == '\\')) {
          ++end;
        }
        word += command[end++];
      }
      if (end >= command.size()) {
        fail(ErrorKind::Config, "AWS profile '{}': credential_process has an unclosed {}", profile,
             c);
      }
      i = end;
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(word);
  if (words.empty())
    fail(ErrorKind::Config, "AWS profile '{}': credential_process is empty", profile);
  return words;
}

// Runs the command and returns what it wrote on stdout; its stderr is the process's (the AWS CLI
// does the same, so that a command can prompt or explain). Throws Error(Auth) when it cannot be
// run or exits with another status than 0.
std::string run_credential_process(const std::vector<std::string>& words, std::string_view what) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) fail(ErrorKind::Io, "cannot {}: pipe: {}", what, std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  std::vector<char*> argv;
  for (const auto& w : words) argv.push_back(const_cast<char*>(w.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    fail(ErrorKind::Auth, "cannot {}: cannot run '{}': {}", what, words[0], std::strerror(spawned));
  }
  std::string out;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fail(ErrorKind::Auth, "cannot {}: '{}' {}", what, words[0],
         WIFEXITED(status) ? fmt::format("exited with status {}", WEXITSTATUS(status))
                           : fmt::format("was killed by signal {}", WTERMSIG(status)));
  }
  return out;
}

// The credential_process output (https://docs.aws.amazon.com/sdkref/latest/guide/
// feature-process-credentials.html): {"Version": 1, "AccessKeyId", "SecretAccessKey",
// "SessionToken"?, "Expiration"? (ISO-8601; absent: never expires)}.
Credentials parse_process_credentials(const std::string& body, std::string_view what) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) fail(ErrorKind::Auth, "cannot {}: its output is not a JSON object", what);
  if (!json.contains("Version") || json["Version"] != 1) {
    fail(ErrorKind::Auth, "cannot {}: its output is not \"Version\": 1", what);
  }
  auto text = [&](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Credentials out{text("AccessKeyId"), text("SecretAccessKey"), text("SessionToken"), {}};
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    fail(ErrorKind::Auth, "cannot {}: its output has no AccessKeyId and SecretAccessKey", what);
  }
  if (std::string expiration = text("Expiration"); !expiration.empty()) {
    out.expiration = expiration_time(expiration);
  }
  return out;
}

class ProcessProvider final : public CredentialsProvider {
 public:
  ProcessProvider(std::string command, std::string profile)
      : command_(std::move(command)), profile_(std::move(profile)) {}
  Credentials get() override {
    std::string what =
        fmt::format("get credentials from profile '{}''s credential_process", profile_);
    return parse_process_credentials(
        run_credential_process(split_command(command_, profile_), what), what);
  }
  std::string name() const override {
    return fmt::format("profile '{}' credential_process", profile_);
  }

 private:
  std::string command_, profile_;
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
      if (!value("credential_process").empty() && value("source_profile").empty()) {
        source = std::make_shared<ProcessProvider>(value("credential_process"), profile);
        return assume_role(source, role_arn, session_name, value("external_id"), http_, config_);
      }
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
    if (value("aws_access_key_id").empty() && !value("credential_process").empty()) {
      // Cached and renewed before its Expiration by the refreshing() around the profile.
      return std::make_shared<ProcessProvider>(value("credential_process"), profile);
    }
    if (value("aws_access_key_id").empty() &&
        (!value("sso_start_url").empty() || !value("sso_session").empty())) {
      fail(ErrorKind::Auth,
           "AWS profile '{}' uses IAM Identity Center (SSO), which snaplake does not support: "
           "give the profile credential_process = aws configure export-credentials --profile {} "
           "--format process (after `aws sso login`), or use another credential source",
           profile, profile);
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
