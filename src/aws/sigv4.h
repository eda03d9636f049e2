// AWS Signature Version 4, header form, as one pure function: the same request, credentials and
// time always give the same Authorization header, so it is tested against AWS's published
// examples (the SigV4 test suite and the S3 "Signature Calculations for the Authorization Header"
// examples). See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
//
// The steps, as the spec names them:
//   1. CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//                         SignedHeaders \n HashedPayload
//   2. StringToSign     = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n hex(SHA256(CanonicalRequest))
//      Scope            = yyyymmdd/region/service/aws4_request
//   3. SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, yyyymmdd), region), service),
//                              "aws4_request")
//   4. Signature        = hex(HMAC(SigningKey, StringToSign))
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace snaplake::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" for long-term keys
  // When temporary credentials stop working; nullopt = never.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

using Headers = std::vector<std::pair<std::string, std::string>>;
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct SigningRequest {
  std::string method;         // "GET", "PUT", ...
  std::string canonical_uri;  // the path, already URI-encoded once ("/test%24file.text")
  QueryParams query;          // raw (unencoded) names and values; order does not matter
  Headers headers;            // every header to sign, including host and x-amz-date
  std::string payload_hash;   // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // hex
  std::string authorization;   // the Authorization header value
};

// Signs `request` for `region`/`service` at `time`. The request must already carry the headers
// it will be sent with (host, x-amz-date, x-amz-content-sha256 for S3, x-amz-security-token for
// session credentials): sign() signs exactly what it is given and adds nothing.
Signature sign(const SigningRequest& request, std::string_view region, std::string_view service,
               const Credentials& credentials, std::chrono::system_clock::time_point time);

// "20150830T123600Z": the x-amz-date form of a time.
std::string amz_date(std::chrono::system_clock::time_point time);

// RFC 3986 percent-encoding as SigV4 specifies it: every byte except A-Z a-z 0-9 - _ . ~ is
// encoded as %XY (uppercase hex); '/' is kept when encode_slash is false (object key paths).
std::string uri_encode(std::string_view text, bool encode_slash = true);

// "a=1&b=2": names and values encoded with uri_encode, sorted by encoded name then value.
std::string canonical_query(const QueryParams& query);

}  // namespace snaplake::aws
