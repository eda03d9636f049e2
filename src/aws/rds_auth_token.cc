#include "aws/rds_auth_token.h"

#include <fmt/format.h>

#include "aws/crypto.h"

namespace snaplake::aws {

std::string rds_auth_token(std::string_view host, int port, std::string_view user,
                           std::string_view region, const Credentials& credentials,
                           std::chrono::system_clock::time_point time) {
  const std::string date = amz_date(time);
  const std::string scope = fmt::format("{}/{}/rds-db/aws4_request", date.substr(0, 8), region);
  QueryParams query{{"Action", "connect"},
                    {"DBUser", std::string(user)},
                    {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
                    {"X-Amz-Credential", credentials.access_key_id + "/" + scope},
                    {"X-Amz-Date", date},
                    {"X-Amz-Expires", "900"},
                    {"X-Amz-SignedHeaders", "host"}};
  if (!credentials.session_token.empty()) {
    query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  const std::string authority = fmt::format("{}:{}", host, port);
  SigningRequest request{"GET", "/", query, {{"host", authority}}, sha256_hex("")};
  Signature signature = sign(request, region, "rds-db", credentials, time);
  std::string token = authority + "/?";
  for (size_t i = 0; i < query.size(); ++i) {
    if (i > 0) token += '&';
    token += uri_encode(query[i].first) + '=' + uri_encode(query[i].second);
  }
  return token + "&X-Amz-Signature=" + signature.signature;
}

}  // namespace snaplake::aws
