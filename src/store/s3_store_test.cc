// The S3 store's multipart behaviour against a recording fake S3: parts numbered from 1 and sent
// in parallel while the writer goes on, small objects in one PutObject, SSE-KMS and ACL headers,
// retried 503s, and an abort (explicit, on error, or by destruction) that leaves no upload.
#include "store/s3_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "aws/fake_http_server_test_util.h"
#include "common/error.h"

namespace snaplake::store {
namespace {

using aws::testing::CannedResponse;
using aws::testing::FakeHttpServer;
using aws::testing::RecordedRequest;

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string query_value(const std::string& target, const std::string& name) {
  size_t q = target.find('?');
  if (q == std::string::npos) return "";
  std::string query = target.substr(q + 1);
  for (size_t start = 0; start <= query.size();) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string::npos ? "" : pair.substr(eq + 1);
    start = end + 1;
  }
  return "";
}

bool has_query(const std::string& target, const std::string& name) {
  size_t q = target.find('?');
  if (q == std::string::npos) return false;
  std::string query = "&" + target.substr(q + 1) + "&";
  return query.find("&" + name + "=") != std::string::npos ||
         query.find("&" + name + "&") != std::string::npos;
}

// Just enough of S3 for uploads: multipart start/part/complete/abort and PutObject.
class FakeS3 {
 public:
  std::function<CannedResponse(const RecordedRequest&)> fail_part;  // may return status 0

  CannedResponse handle(const RecordedRequest& r) {
    if (r.method == "POST" && has_query(r.target, "uploads")) {
      return {200,
              {},
              "<InitiateMultipartUploadResult><UploadId>up-1</UploadId></"
              "InitiateMultipartUploadResult>"};
    }
    if (r.method == "PUT" && has_query(r.target, "partNumber")) {
      if (fail_part) {
        if (auto answer = fail_part(r); answer.status != 0) return answer;
      }
      {
        // Hold each part until another one arrives (or 10 s pass): if parts are sent in
        // parallel, two are seen at once however slow the machine is.
        std::unique_lock lock(mutex_);
        int now = ++concurrent_;
        max_concurrent_ = std::max(max_concurrent_, now);
        part_sizes_[std::stoi(query_value(r.target, "partNumber"))] = r.body.size();
        arrived_.notify_all();
        arrived_.wait_for(lock, std::chrono::seconds(10), [&] { return max_concurrent_ > 1; });
        --concurrent_;
      }
      return {200, {{"ETag", "\"etag-" + query_value(r.target, "partNumber") + "\""}}, ""};
    }
    if (r.method == "POST" && has_query(r.target, "uploadId")) {
      return {
          200, {}, "<CompleteMultipartUploadResult><Key>k</Key></CompleteMultipartUploadResult>"};
    }
    if (r.method == "DELETE" && has_query(r.target, "uploadId")) return {204, {}, ""};
    if (r.method == "PUT") return {200, {{"ETag", "\"single\""}}, ""};
    return {400, {}, "<Error><Code>Unexpected</Code><Message>fake S3</Message></Error>"};
  }

  int max_concurrent() {
    std::lock_guard lock(mutex_);
    return max_concurrent_;
  }
  std::map<int, size_t> part_sizes() {
    std::lock_guard lock(mutex_);
    return part_sizes_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  int concurrent_ = 0;
  int max_concurrent_ = 0;
  std::map<int, size_t> part_sizes_;
};

class S3StoreTest : public ::testing::Test {
 protected:
  S3StoreTest() : server_([this](const RecordedRequest& r) { return s3_.handle(r); }) {}

  std::unique_ptr<S3Store> store() {
    aws::AwsConfig config;
    config.service_endpoints["S3"] = server_.url();
    auto client = std::make_shared<aws::AwsClient>(
        aws::HttpClient::create(), aws::static_credentials({"AKIDTEST", "secret", "", {}}),
        "eu-west-2",
        aws::RetryPolicy{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)});
    return S3Store::open(aws::S3Client::from_config(config, client), "bucket", "exports");
  }

  std::vector<RecordedRequest> requests_matching(const std::string& method,
                                                 const std::string& query_name) {
    std::vector<RecordedRequest> out;
    for (auto& r : server_.requests()) {
      if (r.method == method && (query_name.empty() || has_query(r.target, query_name))) {
        out.push_back(r);
      }
    }
    return out;
  }

  FakeS3 s3_;
  FakeHttpServer server_;
};

TEST_F(S3StoreTest, PartsNumberedFromOneAndSentInParallel) {
  auto upload =
      store()->create("db/t/part-00000.parquet", {"alias/raw", "bucket-owner-full-control", ""});
  std::string mib(1 << 20, 'x');
  for (int i = 0; i < 8 * 5 + 3; ++i) upload->write(bytes_of(mib));  // 5 full parts and 3 MiB
  upload->commit();
  std::map<int, size_t> expected{{1, 8 << 20}, {2, 8 << 20}, {3, 8 << 20},
                                 {4, 8 << 20}, {5, 8 << 20}, {6, 3 << 20}};
  EXPECT_EQ(s3_.part_sizes(), expected);
  EXPECT_GT(s3_.max_concurrent(), 1);
  EXPECT_LE(s3_.max_concurrent(), static_cast<int>(S3Store::kMaxPartsInFlight));

  auto start = requests_matching("POST", "uploads");
  ASSERT_EQ(start.size(), 1u);
  EXPECT_EQ(start[0].target, "/bucket/exports/db/t/part-00000.parquet?uploads=");
  EXPECT_EQ(start[0].header("x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(start[0].header("x-amz-server-side-encryption-aws-kms-key-id"), "alias/raw");
  EXPECT_EQ(start[0].header("x-amz-acl"), "bucket-owner-full-control");

  auto complete = requests_matching("POST", "uploadId");
  ASSERT_EQ(complete.size(), 1u);
  std::string body = complete[0].body;
  size_t last = 0;
  for (int n = 1; n <= 6; ++n) {
    size_t at = body.find(fmt::format("<PartNumber>{}</PartNumber><ETag>\"etag-{}\"</ETag>", n, n));
    ASSERT_NE(at, std::string::npos) << body;
    EXPECT_GE(at, last);
    last = at;
  }
  EXPECT_TRUE(requests_matching("DELETE", "uploadId").empty());
}

TEST_F(S3StoreTest, SmallObjectIsOnePut) {
  store()->put("small.json", "{}", {"", "bucket-owner-full-control", "application/json"});
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].target, "/bucket/exports/small.json");
  EXPECT_EQ(requests[0].body, "{}");
  EXPECT_EQ(requests[0].header("content-type"), "application/json");
  EXPECT_EQ(requests[0].header("x-amz-acl"), "bucket-owner-full-control");
  EXPECT_EQ(requests[0].header("x-amz-server-side-encryption"), "");
}

TEST_F(S3StoreTest, ThrottledPartIsRetried) {
  std::atomic<int> failures{0};
  s3_.fail_part = [&](const RecordedRequest& r) -> CannedResponse {
    if (query_value(r.target, "partNumber") == "2" && failures < 2) {
      ++failures;  // only part 2's attempts get here, one after another
      return {503, {}, "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>"};
    }
    return {0};
  };
  auto upload = store()->create("k");
  upload->write(bytes_of(std::string((16 << 20) + 5, 'y')));
  upload->commit();
  EXPECT_EQ(failures.load(), 2);
  EXPECT_EQ(s3_.part_sizes().size(), 3u);
  EXPECT_EQ(requests_matching("POST", "uploadId").size(), 1u);
}

TEST_F(S3StoreTest, FailedPartAbortsTheUpload) {
  s3_.fail_part = [](const RecordedRequest& r) -> CannedResponse {
    if (query_value(r.target, "partNumber") == "2") {
      return {
          403, {}, "<Error><Code>AccessDenied</Code><Message>KMS key not usable</Message></Error>"};
    }
    return {0};
  };
  auto upload = store()->create("denied");
  std::string mib(1 << 20, 'z');
  try {
    for (int i = 0; i < 40; ++i) upload->write(bytes_of(mib));
    upload->commit();
    FAIL() << "expected the upload to fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Auth);
    EXPECT_STREQ(e.what(),
                 "cannot upload part 2 of 's3://bucket/exports/denied': HTTP 403 AccessDenied: KMS "
                 "key not usable");
  }
  EXPECT_EQ(requests_matching("DELETE", "uploadId").size(), 1u);
  EXPECT_TRUE(requests_matching("POST", "uploadId").empty());
  upload.reset();  // already aborted: nothing more is sent
  EXPECT_EQ(requests_matching("DELETE", "uploadId").size(), 1u);
}

TEST_F(S3StoreTest, DestroyedUploadIsAborted) {
  {
    auto upload = store()->create("dropped");
    upload->write(bytes_of(std::string((8 << 20) + 1, 'd')));
  }
  auto aborts = requests_matching("DELETE", "uploadId");
  ASSERT_EQ(aborts.size(), 1u);
  EXPECT_EQ(aborts[0].target, "/bucket/exports/dropped?uploadId=up-1");
  EXPECT_TRUE(requests_matching("POST", "uploadId").empty());
}

TEST(S3Location, Parse) {
  EXPECT_EQ(parse_s3_location("s3://bucket"), std::make_pair(std::string("bucket"), std::string()));
  EXPECT_EQ(parse_s3_location("s3://my.bucket-1/a/b/"),
            std::make_pair(std::string("my.bucket-1"), std::string("a/b")));
  for (const char* bad : {"s3://", "s3://UPPER/x", "s3://ab", "s3://bucket/../x", "s3://bucket//x",
                          "s3://-bucket", "http://bucket"}) {
    EXPECT_THROW(parse_s3_location(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace snaplake::store
