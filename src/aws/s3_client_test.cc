// S3 request shapes against a recording fake server: virtual-hosted addressing, DeleteObjects
// in batches of 1000 with Content-MD5, CopyObject switching to UploadPartCopy above 5 GiB,
// ListObjectsV2 following continuation tokens.
#include "aws/s3_client.h"

#include <gtest/gtest.h>

#include "aws/crypto.h"
#include "aws/fake_http_server_test_util.h"

namespace snaplake::aws {
namespace {

using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::RecordedRequest;

std::shared_ptr<S3Client> client_for(const std::string& endpoint, bool path_style) {
  auto aws = std::make_shared<AwsClient>(
      HttpClient::create(), static_credentials({"AKIDTEST", "secret", "", {}}), "eu-west-2");
  return std::make_shared<S3Client>(aws, endpoint, path_style);
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(S3Client, VirtualHostedAddressing) {
  FakeHttpServer server([](const RecordedRequest&) { return CannedResponse{200, {}, "data"}; });
  // curl resolves *.localhost to the loopback address, so bucket.localhost reaches the server.
  std::string endpoint = server.url();
  endpoint.replace(endpoint.find("127.0.0.1"), 9, "localhost");
  auto s3 = client_for(endpoint, false);
  EXPECT_EQ(s3->get_object("my-bucket", "a b/c.parquet"), "data");
  auto sent = server.requests().at(0);
  EXPECT_EQ(sent.target, "/a%20b/c.parquet");
  EXPECT_TRUE(sent.header("host").starts_with("my-bucket.localhost:")) << sent.header("host");
}

TEST(S3Client, DeleteObjectsInBatchesOfAThousand) {
  FakeHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, {}, "<DeleteResult></DeleteResult>"};
  });
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) keys.push_back(fmt::format("k/{} & <{}>", i, i));
  client_for(server.url(), true)->delete_objects("bucket", keys);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  std::vector<size_t> sizes;
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/bucket?delete=");
    EXPECT_EQ(r.header("content-md5"), base64(md5(r.body)));
    EXPECT_NE(r.body.find("<Quiet>true</Quiet>"), std::string::npos);
    sizes.push_back(count(r.body, "<Object>"));
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{1000, 1000, 500}));
  EXPECT_NE(requests[0].body.find("<Key>k/0 &amp; &lt;0&gt;</Key>"), std::string::npos);
}

TEST(S3Client, DeleteReportsRealFailures) {
  FakeHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200,
                          {},
                          "<DeleteResult><Error><Key>a</Key><Code>AccessDenied</Code>"
                          "<Message>Access Denied</Message></Error></DeleteResult>"};
  });
  try {
    client_for(server.url(), true)->delete_objects("bucket", {"a"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Auth);
    EXPECT_STREQ(e.what(), "cannot delete 's3://bucket/a': AccessDenied: Access Denied");
  }
}

TEST(S3Client, CopyAboveFiveGiBUsesUploadPartCopy) {
  constexpr uint64_t kSize = 6ull << 30;
  FakeHttpServer server([&](const RecordedRequest& r) -> CannedResponse {
    if (r.method == "HEAD") {
      return {200, {{"Content-Length", std::to_string(kSize)}, {"ETag", "\"src\""}}, ""};
    }
    if (r.method == "POST" && r.target.ends_with("?uploads=")) {
      return {
          200,
          {},
          "<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>"};
    }
    if (r.method == "PUT") return {200, {}, "<CopyPartResult><ETag>\"p\"</ETag></CopyPartResult>"};
    return {200, {}, "<CompleteMultipartUploadResult/>"};
  });
  client_for(server.url(), true)
      ->copy_object("export", "e/big.parquet", "raw", "land/big.parquet",
                    {"alias/raw", "bucket-owner-full-control", ""});
  std::vector<std::string> ranges;
  size_t completes = 0;
  for (const auto& r : server.requests()) {
    if (r.method == "PUT") {
      EXPECT_EQ(r.header("x-amz-copy-source"), "/export/e/big.parquet");
      ranges.push_back(r.header("x-amz-copy-source-range"));
    }
    if (r.method == "POST" && r.target.starts_with("/raw/land/big.parquet?uploads")) {
      EXPECT_EQ(r.header("x-amz-server-side-encryption-aws-kms-key-id"), "alias/raw");
      EXPECT_EQ(r.header("x-amz-acl"), "bucket-owner-full-control");
    }
    if (r.method == "POST" && r.target.find("uploadId=u") != std::string::npos) {
      ++completes;
      EXPECT_EQ(count(r.body, "<Part>"), 12u);
      EXPECT_NE(r.body.find("<PartNumber>1</PartNumber>"), std::string::npos);
      EXPECT_NE(r.body.find("<PartNumber>12</PartNumber>"), std::string::npos);
    }
  }
  ASSERT_EQ(ranges.size(), 12u);  // 6 GiB in 512 MiB parts
  EXPECT_EQ(ranges.front(), "bytes=0-536870911");
  EXPECT_EQ(ranges.back(), fmt::format("bytes={}-{}", kSize - (512ull << 20), kSize - 1));
  EXPECT_EQ(completes, 1u);
}

TEST(S3Client, ListFollowsContinuationTokens) {
  FakeHttpServer server([](const RecordedRequest& r) {
    std::string page = r.target.find("continuation-token=t2") != std::string::npos ? "2" : "1";
    std::string more =
        page == "1"
            ? "<IsTruncated>true</IsTruncated><NextContinuationToken>t2</NextContinuationToken>"
            : "<IsTruncated>false</IsTruncated>";
    return CannedResponse{200,
                          {},
                          "<ListBucketResult>" + more + "<Contents><Key>p/" + page +
                              "</Key><Size>" + page +
                              "</Size><ETag>\"e\"</ETag></Contents></ListBucketResult>"};
  });
  auto objects = client_for(server.url(), true)->list_objects("bucket", "p/");
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].key, "p/1");
  EXPECT_EQ(objects[1].key, "p/2");
  EXPECT_EQ(objects[1].size, 2u);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/bucket?list-type=2&max-keys=1000&prefix=p%2F");
}

}  // namespace
}  // namespace snaplake::aws
