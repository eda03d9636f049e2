// The credentials chain and its sources, with a fake environment, temporary shared files and a
// fake server standing in for STS, the container endpoint and the EC2 instance metadata service.
#include "aws/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "aws/fake_http_server_test_util.h"
#include "aws/http_client.h"
#include "aws/session.h"
#include "common/error.h"

namespace snaplake::aws {
namespace {

using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::RecordedRequest;
namespace fs = std::filesystem;

Environment env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string sts_answer(std::string_view action, std::string_view key, std::string_view expiration) {
  return fmt::format(
      "<{0}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{0}Result><Credentials>"
      "<AccessKeyId>{1}</AccessKeyId><SecretAccessKey>secret-{1}</SecretAccessKey>"
      "<SessionToken>token-{1}</SessionToken><Expiration>{2}</Expiration></Credentials>"
      "</{0}Result></{0}Response>",
      action, key, expiration);
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/snaplake-aws-test-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

TEST(Credentials, Environment) {
  auto provider = environment_credentials(env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                                  {"AWS_SECRET_ACCESS_KEY", "s"},
                                                  {"AWS_SESSION_TOKEN", "t"}}));
  auto c = provider->get();
  EXPECT_EQ(c.access_key_id, "AKIDENV");
  EXPECT_EQ(c.secret_access_key, "s");
  EXPECT_EQ(c.session_token, "t");
  EXPECT_THROW(environment_credentials(env_of({}))->get(), Error);
}

// A credential_process script: counts its runs in `count`, prints its first argument as the
// session token and an Expiration `expires_in` from now (GNU date).
std::string process_script(TempDir& dir, const std::string& name, const std::string& expires_in) {
  std::string path =
      dir.write(name,
                "#!/bin/sh\n"
                "n=$(( $(cat \"$(dirname \"$0\")/count\" 2>/dev/null || echo 0) + 1 ))\n"
                "echo $n > \"$(dirname \"$0\")/count\"\n"
                "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC%s\", "
                "\"SecretAccessKey\": \"s\", \"SessionToken\": \"%s\", "
                "\"Expiration\": \"%s\"}' \"$n\" \"$1\" "
                "\"$(date -u -d '" +
                    expires_in + "' +%Y-%m-%dT%H:%M:%SZ)\"\n");
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

TEST(Credentials, CredentialProcessRunsWithoutAShellAndIsRenewedBeforeExpiration) {
  TempDir dir;
  // A path with a space, quoted; an argument with a space, and a $ that no shell expands.
  std::string script = process_script(dir, "get creds.sh", "+1 minute");
  auto env =
      env_of({{"AWS_SHARED_CREDENTIALS_FILE", dir.write("credentials", "")},
              {"AWS_CONFIG_FILE", dir.write("config", "[profile proc]\ncredential_process = '" +
                                                          script + "' \"token with $HOME\"\n")}});
  auto provider = profile_credentials(env, "proc", HttpClient::create(), {});
  Credentials first = provider->get();
  EXPECT_EQ(first.access_key_id, "AKIDPROC1");
  EXPECT_EQ(first.secret_access_key, "s");
  EXPECT_EQ(first.session_token, "token with $HOME");
  ASSERT_TRUE(first.expiration.has_value());
  // It expires within kRefreshAhead: the next get() runs the process again.
  EXPECT_EQ(provider->get().access_key_id, "AKIDPROC2");
}

TEST(Credentials, CredentialProcessCredentialsAreCachedUntilNearExpiration) {
  TempDir dir;
  std::string script = process_script(dir, "creds.sh", "+2 hours");
  auto env = env_of({{"AWS_SHARED_CREDENTIALS_FILE", dir.write("credentials", "")},
                     {"AWS_CONFIG_FILE",
                      dir.write("config", "[default]\ncredential_process = " + script + "\n")}});
  auto provider = profile_credentials(env, "default", HttpClient::create(), {});
  EXPECT_EQ(provider->get().access_key_id, "AKIDPROC1");
  EXPECT_EQ(provider->get().access_key_id, "AKIDPROC1");
}

TEST(Credentials, CredentialProcessFailuresAreClear) {
  TempDir dir;
  auto message = [&](const std::string& config) -> std::string {
    auto env = env_of({{"AWS_SHARED_CREDENTIALS_FILE", dir.write("credentials", "")},
                       {"AWS_CONFIG_FILE", dir.write("config", config)}});
    try {
      profile_credentials(env, "p", HttpClient::create(), {})->get();
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message("[profile p]\ncredential_process = /bin/false\n"),
            "cannot get credentials from profile 'p''s credential_process: '/bin/false' exited "
            "with status 1");
  EXPECT_EQ(message("[profile p]\ncredential_process = /bin/echo '{\"Version\":2}'\n"),
            "cannot get credentials from profile 'p''s credential_process: its output is not "
            "\"Version\": 1");
  EXPECT_EQ(message("[profile p]\ncredential_process = /nonexistent/x\n"),
            "cannot get credentials from profile 'p''s credential_process: cannot run "
            "'/nonexistent/x': No such file or directory");
  std::string sso =
      message("[profile p]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n");
  EXPECT_NE(sso.find("AWS profile 'p' uses IAM Identity Center (SSO), which snaplake does not "
                     "support: give the profile credential_process = aws configure "
                     "export-credentials --profile p --format process"),
            std::string::npos)
      << sso;
  EXPECT_NE(message("[profile p]\nsso_start_url = https://corp.awsapps.com/start\n").find("SSO"),
            std::string::npos);
}

TEST(Credentials, SharedFilesWithProfile) {
  TempDir dir;
  auto env =
      env_of({{"AWS_SHARED_CREDENTIALS_FILE",
               dir.write("credentials",
                         "[default]\naws_access_key_id = AKIDDEFAULT\n"
                         "aws_secret_access_key = d\n\n[other]\n"
                         "aws_access_key_id=AKIDOTHER\naws_secret_access_key=o\n"
                         "aws_session_token = tok\n")},
              {"AWS_CONFIG_FILE", dir.write("config",
                                            "[profile fromconfig]\n"
                                            "aws_access_key_id = AKIDCONFIG\n"
                                            "aws_secret_access_key = c\nregion = eu-west-2\n")},
              {"AWS_PROFILE", "fromconfig"}});
  auto http = HttpClient::create();
  EXPECT_EQ(profile_credentials(env, "default", http, {})->get().access_key_id, "AKIDDEFAULT");
  auto other = profile_credentials(env, "other", http, {})->get();
  EXPECT_EQ(other.access_key_id, "AKIDOTHER");
  EXPECT_EQ(other.session_token, "tok");
  EXPECT_EQ(profile_credentials(env, "fromconfig", http, {})->get().access_key_id, "AKIDCONFIG");
  auto config = AwsConfig::from_environment(env);
  EXPECT_EQ(config.profile, "fromconfig");
  EXPECT_EQ(config.region, "eu-west-2");
  try {
    profile_credentials(env, "missing", http, {})->get();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Auth);
    EXPECT_NE(std::string(e.what()).find("no AWS profile 'missing'"), std::string::npos);
  }
}

TEST(Credentials, ProfileWithRoleAssumesItWithSourceProfile) {
  TempDir dir;
  FakeHttpServer sts([](const RecordedRequest&) {
    return CannedResponse{200, {}, sts_answer("AssumeRole", "ASIAROLE", "2099-01-01T00:00:00Z")};
  });
  auto env = env_of(
      {{"AWS_SHARED_CREDENTIALS_FILE",
        dir.write("credentials", "[base]\naws_access_key_id=AKIDBASE\naws_secret_access_key=b\n")},
       {"AWS_CONFIG_FILE",
        dir.write("config",
                  "[profile raw]\nrole_arn = arn:aws:iam::222222222222:role/raw-zone\n"
                  "source_profile = base\nexternal_id = ext-1\n")}});
  AwsConfig config;
  config.service_endpoints["STS"] = sts.url();
  auto c = profile_credentials(env, "raw", HttpClient::create(), config)->get();
  EXPECT_EQ(c.access_key_id, "ASIAROLE");
  EXPECT_EQ(c.session_token, "token-ASIAROLE");
  auto sent = sts.requests().at(0);
  EXPECT_NE(sent.body.find("Action=AssumeRole&"), std::string::npos);
  EXPECT_NE(sent.body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fraw-zone"),
            std::string::npos);
  EXPECT_NE(sent.body.find("ExternalId=ext-1"), std::string::npos);
  EXPECT_NE(sent.header("authorization").find("Credential=AKIDBASE/"), std::string::npos);
}

TEST(Credentials, WebIdentityIsUnsignedAndRereadsTheToken) {
  TempDir dir;
  std::string token_file = dir.write("token", "jwt-1\n");
  FakeHttpServer sts([](const RecordedRequest&) {
    // Already expired: every get() must fetch again.
    return CannedResponse{
        200, {}, sts_answer("AssumeRoleWithWebIdentity", "ASIAWEB", "2000-01-01T00:00:00Z")};
  });
  AwsConfig config;
  config.service_endpoints["STS"] = sts.url();
  auto env = env_of({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                     {"AWS_ROLE_ARN", "arn:aws:iam::1:role/web"},
                     {"AWS_EC2_METADATA_DISABLED", "true"},
                     {"HOME", "/nonexistent"}});
  auto provider = default_credentials(env, config, HttpClient::create());
  EXPECT_EQ(provider->get().access_key_id, "ASIAWEB");
  dir.write("token", "jwt-2");
  provider->get();
  auto requests = sts.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("authorization"), "");
  EXPECT_NE(requests[0].body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos);
  EXPECT_NE(requests[0].body.find("WebIdentityToken=jwt-1"), std::string::npos);
  EXPECT_NE(requests[1].body.find("WebIdentityToken=jwt-2"), std::string::npos);
}

TEST(Credentials, ContainerFullUriWithToken) {
  FakeHttpServer server([](const RecordedRequest& r) {
    if (r.header("authorization") != "Bearer container-token") return CannedResponse{401, {}, ""};
    return CannedResponse{200,
                          {},
                          R"({"AccessKeyId":"ASIACONT","SecretAccessKey":"s","Token":"t",)"
                          R"("Expiration":"2099-01-01T00:00:00Z"})"};
  });
  auto env = env_of({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/v2/credentials/x"},
                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer container-token"}});
  auto provider = container_credentials(env, HttpClient::create());
  auto c = provider->get();
  EXPECT_EQ(c.access_key_id, "ASIACONT");
  EXPECT_EQ(c.session_token, "t");
  ASSERT_TRUE(c.expiration);
  provider->get();  // cached: far from expiry
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/v2/credentials/x");
}

TEST(Credentials, InstanceMetadataV2) {
  FakeHttpServer imds([](const RecordedRequest& r) {
    if (r.method == "PUT" && r.target == "/latest/api/token") {
      if (r.header("x-aws-ec2-metadata-token-ttl-seconds").empty()) return CannedResponse{400};
      return CannedResponse{200, {}, "imds-session"};
    }
    if (r.header("x-aws-ec2-metadata-token") != "imds-session") return CannedResponse{401};
    if (r.target == "/latest/meta-data/iam/security-credentials/") {
      return CannedResponse{200, {}, "instance-role"};
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/instance-role") {
      return CannedResponse{200,
                            {},
                            R"({"Code":"Success","AccessKeyId":"ASIAEC2","SecretAccessKey":"s",)"
                            R"("Token":"t","Expiration":"2099-01-01T00:00:00Z"})"};
    }
    return CannedResponse{404};
  });
  auto env = env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url() + "/"}});
  EXPECT_EQ(instance_metadata_credentials(env, HttpClient::create())->get().access_key_id,
            "ASIAEC2");
  EXPECT_EQ(imds.requests().size(), 3u);
  auto disabled = env_of({{"AWS_EC2_METADATA_DISABLED", "true"}});
  EXPECT_THROW(instance_metadata_credentials(disabled, HttpClient::create())->get(), Error);
}

TEST(Credentials, ChainTakesTheFirstThatWorksAndSaysWhatItTried) {
  auto env = env_of({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}});
  auto none = env_of({});
  auto ok = chain({environment_credentials(none), environment_credentials(env)});
  EXPECT_EQ(ok->get().access_key_id, "AKIDENV");
  try {
    chain({environment_credentials(none),
           instance_metadata_credentials(env_of({{"AWS_EC2_METADATA_DISABLED", "true"}}),
                                         HttpClient::create())})
        ->get();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Auth);
    std::string message = e.what();
    EXPECT_NE(message.find("no AWS credentials found"), std::string::npos) << message;
    EXPECT_NE(message.find("environment"), std::string::npos) << message;
    EXPECT_NE(message.find("instance metadata"), std::string::npos) << message;
  }
}

class SequenceProvider : public CredentialsProvider {
 public:
  explicit SequenceProvider(std::chrono::system_clock::duration lifetime) : lifetime_(lifetime) {}
  Credentials get() override {
    ++calls;
    return {"AKID" + std::to_string(calls), "s", "t", std::chrono::system_clock::now() + lifetime_};
  }
  std::string name() const override { return "sequence"; }
  int calls = 0;

 private:
  std::chrono::system_clock::duration lifetime_;
};

TEST(Credentials, RefreshBeforeExpiry) {
  auto long_lived = std::make_shared<SequenceProvider>(std::chrono::hours(1));
  auto cached = refreshing(long_lived);
  cached->get();
  cached->get();
  EXPECT_EQ(long_lived->calls, 1);
  cached->invalidate();
  EXPECT_EQ(cached->get().access_key_id, "AKID2");

  // Expiring within the refresh margin: fetched again on every use.
  auto short_lived = std::make_shared<SequenceProvider>(kRefreshAhead - std::chrono::seconds(1));
  auto renewing = refreshing(short_lived);
  renewing->get();
  renewing->get();
  EXPECT_EQ(short_lived->calls, 2);
}

TEST(Config, EndpointsAndRegion) {
  auto config =
      AwsConfig::from_environment(env_of({{"AWS_REGION", "eu-west-2"},
                                          {"AWS_ENDPOINT_URL", "http://localhost:5000/"},
                                          {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"},
                                          {"HOME", "/nonexistent"}}));
  EXPECT_EQ(config.region, "eu-west-2");
  EXPECT_EQ(config.endpoint_for("S3", "s3"), "http://127.0.0.1:9000");
  EXPECT_EQ(config.endpoint_for("SQS", "sqs"), "http://localhost:5000");
  EXPECT_TRUE(config.has_custom_endpoint("S3"));
  auto plain = AwsConfig::from_environment(
      env_of({{"AWS_DEFAULT_REGION", "us-west-2"}, {"HOME", "/nonexistent"}}));
  EXPECT_EQ(plain.endpoint_for("SQS", "sqs"), "https://sqs.us-west-2.amazonaws.com");
  EXPECT_FALSE(plain.has_custom_endpoint("S3"));
}

TEST(Session, OverridesAndAssumedRole) {
  FakeHttpServer sts([](const RecordedRequest&) {
    return CannedResponse{
        200, {}, sts_answer("AssumeRole", "ASIAXACCOUNT", "2099-01-01T00:00:00Z")};
  });
  auto env = env_of({{"AWS_ACCESS_KEY_ID", "AKIDBASE"},
                     {"AWS_SECRET_ACCESS_KEY", "base-secret"},
                     {"AWS_REGION", "us-east-1"},
                     {"HOME", "/nonexistent"}});
  auto session = AwsSession::from_environment({"eu-west-2", sts.url() + "/"}, env);
  EXPECT_EQ(session->config.region, "eu-west-2");
  EXPECT_EQ(session->endpoint("STS", "sts"), sts.url());
  EXPECT_EQ(session->credentials->get().access_key_id, "AKIDBASE");
  auto raw_zone = session->assume("arn:aws:iam::222222222222:role/raw-zone-writer");
  EXPECT_EQ(raw_zone->credentials->get().access_key_id, "ASIAXACCOUNT");
  EXPECT_EQ(session->credentials->get().access_key_id, "AKIDBASE");  // unchanged
  auto sent = sts.requests().at(0);
  EXPECT_NE(sent.header("authorization").find("Credential=AKIDBASE/"), std::string::npos);
  EXPECT_NE(sent.header("authorization").find("/eu-west-2/sts/aws4_request"), std::string::npos);
}

}  // namespace
}  // namespace snaplake::aws
