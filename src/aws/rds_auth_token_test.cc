// The RDS IAM authentication token against an independent computation: botocore 1.43's
// generate_db_auth_token for the same host, port, user, region, credentials and time
// (2026-12-02T00:09:53Z), with long-term keys and with a session token.
#include "aws/rds_auth_token.h"

#include <gtest/gtest.h>

#include "common/timestamp.h"

namespace snaplake::aws {
namespace {

const Credentials kKeys{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}};

std::chrono::system_clock::time_point at() {
  return *parse_iso8601("2026-12-02T00:09:53Z");
}

TEST(RdsAuthToken, MatchesBotocore) {
  EXPECT_EQ(rds_auth_token("db.example.eu-west-2.rds.amazonaws.com", 5432, "app_user", "eu-west-2",
                           kKeys, at()),
            "db.example.eu-west-2.rds.amazonaws.com:5432/?Action=connect&DBUser=app_user"
            "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIDEXAMPLE%2F20261202%2Feu-west-2%2Frds-db%2Faws4_request"
            "&X-Amz-Date=20261202T000953Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=e0e8e9ecef32136941c42f3afa35efb2f0214ee9f6a5a33445c0fabd36da3b8a");
}

TEST(RdsAuthToken, CarriesTheSessionTokenLikeBotocore) {
  Credentials temporary = kKeys;
  temporary.session_token = "FQoGZXIvYXdzE/token+x=";
  EXPECT_EQ(rds_auth_token("db.example.eu-west-2.rds.amazonaws.com", 5432, "app_user", "eu-west-2",
                           temporary, at()),
            "db.example.eu-west-2.rds.amazonaws.com:5432/?Action=connect&DBUser=app_user"
            "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIDEXAMPLE%2F20261202%2Feu-west-2%2Frds-db%2Faws4_request"
            "&X-Amz-Date=20261202T000953Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            "&X-Amz-Security-Token=FQoGZXIvYXdzE%2Ftoken%2Bx%3D"
            "&X-Amz-Signature=bd9c032b9e6a6975e8ef657c53ea8d29e8d9aa5762e85fe1a790e7a41645f3ae");
}

TEST(RdsAuthToken, SignsHostPortUserAndRegion) {
  std::string base = rds_auth_token("h", 5432, "u", "eu-west-2", kKeys, at());
  std::string signature = base.substr(base.rfind('=') + 1);
  for (const std::string& other : {rds_auth_token("h2", 5432, "u", "eu-west-2", kKeys, at()),
                                   rds_auth_token("h", 5433, "u", "eu-west-2", kKeys, at()),
                                   rds_auth_token("h", 5432, "u2", "eu-west-2", kKeys, at()),
                                   rds_auth_token("h", 5432, "u", "eu-west-1", kKeys, at())}) {
    EXPECT_NE(other.substr(other.rfind('=') + 1), signature) << other;
  }
}

}  // namespace
}  // namespace snaplake::aws
