// SigV4 against AWS's published examples. Expected signatures are AWS's, not ours:
// - the Signature Version 4 test suite (AKIDEXAMPLE, service "service", 20150830T123600Z):
//   get-vanilla, get-vanilla-query-order-key-case, get-utf8;
// - the S3 API reference, "Signature Calculations for the Authorization Header: Transferring
//   Payload in a Single Chunk" (AKIAIOSFODNN7EXAMPLE, examplebucket, 20130524T000000Z):
//   GET Object, PUT Object, GET Bucket Lifecycle, GET Bucket (List Objects).
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include "aws/crypto.h"
#include "common/error.h"

namespace snaplake::aws {
namespace {

using namespace std::chrono;

const Credentials kSuiteCredentials{
    "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}};
const Credentials kS3Credentials{
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", {}};
const system_clock::time_point kSuiteTime = sys_days{2015y / 8 / 30} + 12h + 36min;
const system_clock::time_point kS3Time = sys_days{2013y / 5 / 24};

SigningRequest suite_request(std::string uri, QueryParams query = {}) {
  return {"GET", std::move(uri), std::move(query),
          Headers{{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
          std::string(kEmptySha256)};
}

TEST(SigV4, SuiteGetVanilla) {
  auto s = sign(suite_request("/"), "us-east-1", "service", kSuiteCredentials, kSuiteTime);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, SuiteGetVanillaQueryOrderKeyCase) {
  auto s = sign(suite_request("/", {{"Param2", "value2"}, {"Param1", "value1"}}), "us-east-1",
                "service", kSuiteCredentials, kSuiteTime);
  EXPECT_EQ(s.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, SuiteGetUtf8) {
  auto s = sign(suite_request("/" + uri_encode("\xe1\x88\xb4", false)), "us-east-1", "service",
                kSuiteCredentials, kSuiteTime);
  EXPECT_EQ(s.signature, "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

Headers s3_headers(std::string_view payload_hash, Headers extra = {}) {
  Headers headers{{"Host", "examplebucket.s3.amazonaws.com"},
                  {"x-amz-date", "20130524T000000Z"},
                  {"x-amz-content-sha256", std::string(payload_hash)}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return headers;
}

TEST(SigV4, S3GetObjectRange) {
  SigningRequest request{"GET",
                         "/test.txt",
                         {},
                         s3_headers(kEmptySha256, {{"Range", "bytes=0-9"}}),
                         std::string(kEmptySha256)};
  auto s = sign(request, "us-east-1", "s3", kS3Credentials, kS3Time);
  EXPECT_EQ(sha256_hex(s.canonical_request),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, S3PutObject) {
  std::string payload_hash = sha256_hex("Welcome to Amazon S3.");
  ASSERT_EQ(payload_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigningRequest request{"PUT",
                         "/" + uri_encode("test$file.text", false),
                         {},
                         s3_headers(payload_hash, {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"}}),
                         payload_hash};
  auto s = sign(request, "us-east-1", "s3", kS3Credentials, kS3Time);
  EXPECT_EQ(s.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, S3GetBucketLifecycle) {
  SigningRequest request{
      "GET", "/", {{"lifecycle", ""}}, s3_headers(kEmptySha256), std::string(kEmptySha256)};
  auto s = sign(request, "us-east-1", "s3", kS3Credentials, kS3Time);
  EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, S3ListObjects) {
  SigningRequest request{"GET",
                         "/",
                         {{"prefix", "J"}, {"max-keys", "2"}},
                         s3_headers(kEmptySha256),
                         std::string(kEmptySha256)};
  auto s = sign(request, "us-east-1", "s3", kS3Credentials, kS3Time);
  EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, ChangingAnythingChangesTheSignature) {
  auto base = sign(suite_request("/"), "us-east-1", "service", kSuiteCredentials, kSuiteTime);
  EXPECT_NE(
      sign(suite_request("/x"), "us-east-1", "service", kSuiteCredentials, kSuiteTime).signature,
      base.signature);
  EXPECT_NE(
      sign(suite_request("/"), "eu-west-2", "service", kSuiteCredentials, kSuiteTime).signature,
      base.signature);
  EXPECT_NE(sign(suite_request("/"), "us-east-1", "service", kSuiteCredentials, kSuiteTime + 1s)
                .signature,
            base.signature);
  Credentials other = kSuiteCredentials;
  other.secret_access_key += "x";
  EXPECT_NE(sign(suite_request("/"), "us-east-1", "service", other, kSuiteTime).signature,
            base.signature);
}

TEST(SigV4, SecretNeverInOutput) {
  auto s = sign(suite_request("/"), "us-east-1", "service", kSuiteCredentials, kSuiteTime);
  for (const auto& text : {s.canonical_request, s.string_to_sign, s.authorization}) {
    EXPECT_EQ(text.find(kSuiteCredentials.secret_access_key), std::string::npos);
  }
}

TEST(SigV4, MissingCredentialsIsAnAuthError) {
  try {
    sign(suite_request("/"), "us-east-1", "s3", Credentials{}, kSuiteTime);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Auth);
  }
}

TEST(SigV4, UriEncode) {
  EXPECT_EQ(uri_encode("a b+c=d&e"), "a%20b%2Bc%3Dd%26e");
  EXPECT_EQ(uri_encode("A-z_0.9~"), "A-z_0.9~");
  EXPECT_EQ(uri_encode("a/b"), "a%2Fb");
  EXPECT_EQ(uri_encode("a/b", false), "a/b");
  EXPECT_EQ(uri_encode("\xc3\xbc"), "%C3%BC");
  EXPECT_EQ(canonical_query({{"b", "2"}, {"a", "1"}, {"A", "0"}, {"list-type", ""}}),
            "A=0&a=1&b=2&list-type=");
}

TEST(SigV4, AmzDate) {
  EXPECT_EQ(amz_date(kSuiteTime), "20150830T123600Z");
}

TEST(Crypto, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), kEmptySha256);
  EXPECT_EQ(base64(md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(base64("ab"), "YWI=");
}

}  // namespace
}  // namespace snaplake::aws
