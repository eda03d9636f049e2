// How a Secrets Manager secret's text is a login (the RDS-managed JSON form, plain text), and
// that no refusal quotes the secret.
#include "pipeline/source_login.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace snaplake::pipeline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kArn = "arn:aws:secretsmanager:eu-west-2:1:secret:db-AbCdEf";

std::string refusal(std::string_view text, std::string_view uri_user) {
  try {
    login_from_secret(text, uri_user, kArn);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    return e.what();
  }
  ADD_FAILURE() << "accepted";
  return "";
}

TEST(LoginFromSecret, RdsJsonFormGivesUserAndPassword) {
  Login login = login_from_secret(
      R"({"username":"admin","password":"s3cr{t\"x","engine":"postgres","port":5432})", "", kArn);
  EXPECT_EQ(login.user, "admin");
  EXPECT_EQ(login.password, "s3cr{t\"x");
  // The URI may name the same user.
  EXPECT_EQ(login_from_secret(R"({"username":"admin","password":"p"})", "admin", kArn).user,
            "admin");
  // A JSON secret without a username: the URI's user.
  EXPECT_EQ(login_from_secret(R"({"password":"p"})", "app", kArn).user, "app");
}

TEST(LoginFromSecret, PlainTextIsThePassword) {
  Login login = login_from_secret("  correct horse {battery", "app", kArn);
  EXPECT_EQ(login.user, "app");
  EXPECT_EQ(login.password, "  correct horse {battery");
}

TEST(LoginFromSecret, RefusalsNameTheSecretNeverItsText) {
  std::string m = refusal(R"({"username":"admin","pass":"hunter2"})", "");
  EXPECT_THAT(m, HasSubstr(std::string(kArn)));
  EXPECT_THAT(m, HasSubstr("without a \"password\" string"));
  EXPECT_THAT(m, Not(HasSubstr("hunter2")));
  m = refusal(R"({"username":"admin","password":"hunter2"})", "app");
  EXPECT_THAT(m, HasSubstr("the login of user 'admin', but the source URI names user 'app'"));
  EXPECT_THAT(m, Not(HasSubstr("hunter2")));
  EXPECT_THAT(refusal("", "app"), HasSubstr("holds an empty password"));
}

TEST(SourceLogin, NoneWithoutASecretOrIamAuth) {
  InstanceConfig instance;
  instance.source = "postgresql://app@db/x";
  EXPECT_FALSE(source_login(instance, nullptr));
}

}  // namespace
}  // namespace snaplake::pipeline
