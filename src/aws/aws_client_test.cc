// The generic signed-request helper against a recording fake server: signing headers, retries
// on what can succeed later (5xx, throttling, dropped connections), no retry on other 4xx,
// credential refresh on an expired token, one-line errors without secrets.
#include "aws/aws_client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "aws/fake_http_server_test_util.h"

namespace snaplake::aws {
namespace {

using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::RecordedRequest;

constexpr std::string_view kSecret = "sEcReT/never+shown";
const RetryPolicy kFastRetry{4, std::chrono::milliseconds(1), std::chrono::milliseconds(5)};

std::shared_ptr<AwsClient> client_with(Credentials credentials, RetryPolicy retry = kFastRetry) {
  return std::make_shared<AwsClient>(
      HttpClient::create(), static_credentials(std::move(credentials)), "eu-west-2", retry);
}

AwsRequest get(const FakeHttpServer& server, std::string path = "/bucket/key") {
  AwsRequest r;
  r.service = "s3";
  r.endpoint = server.url();
  r.path = std::move(path);
  r.content_sha256_header = true;
  return r;
}

CannedResponse s3_error(int status, std::string code, std::string message) {
  return {status,
          {{"Content-Type", "application/xml"}},
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" +
              message + "</Message><RequestId>1</RequestId></Error>"};
}

template <typename F>
AwsError catch_aws(F&& action) {
  try {
    action();
  } catch (const AwsError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an AwsError";
  return AwsError(ErrorKind::Internal, "", 0, "");
}

TEST(AwsClient, SignsWithSessionTokenAndPayloadHash) {
  FakeHttpServer server([](const RecordedRequest&) { return CannedResponse{200, {}, "ok"}; });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "session-token-1", {}});
  AwsRequest r = get(server);
  r.method = "PUT";
  r.body = "payload";
  r.query = {{"partNumber", "1"}, {"uploadId", "a b"}};
  EXPECT_EQ(client->send(r, "put it").body, "ok");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& sent = requests[0];
  EXPECT_EQ(sent.method, "PUT");
  EXPECT_EQ(sent.target, "/bucket/key?partNumber=1&uploadId=a%20b");
  EXPECT_EQ(sent.body, "payload");
  EXPECT_EQ(sent.header("x-amz-security-token"), "session-token-1");
  EXPECT_EQ(
      sent.header("x-amz-content-sha256"),
      "239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5");  // sha256("payload")
  EXPECT_TRUE(sent.header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"))
      << sent.header("authorization");
  EXPECT_NE(sent.header("authorization").find("/eu-west-2/s3/aws4_request"), std::string::npos);
  EXPECT_NE(sent.header("authorization").find("x-amz-security-token"), std::string::npos);
  for (const auto& [name, value] : sent.headers) {
    EXPECT_EQ(value.find(kSecret), std::string::npos) << name;
  }
}

TEST(AwsClient, RetriesServerErrorsAndThrottling) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const RecordedRequest&) {
    switch (calls++) {
      case 0:
        return s3_error(500, "InternalError", "We encountered an internal error.");
      case 1:
        return s3_error(503, "SlowDown", "Please reduce your request rate.");
      case 2:
        return s3_error(400, "RequestTimeout", "Your socket connection timed out.");
      default:
        return CannedResponse{200, {}, "finally"};
    }
  });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}},
                            {5, std::chrono::milliseconds(1), std::chrono::milliseconds(5)});
  EXPECT_EQ(client->send(get(server), "read it").body, "finally");
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(AwsClient, RetriesDroppedConnections) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const RecordedRequest&) {
    if (calls++ < 2) return CannedResponse{.drop = true};
    return CannedResponse{200, {}, "ok"};
  });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}});
  EXPECT_EQ(client->send(get(server), "read it").body, "ok");
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(AwsClient, DoesNotRetryWhatCannotSucceed) {
  FakeHttpServer server(
      [](const RecordedRequest&) { return s3_error(403, "AccessDenied", "Access Denied"); });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}});
  auto error = catch_aws([&] { client->send(get(server), "read 's3://bucket/key'"); });
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(error.kind(), ErrorKind::Auth);
  EXPECT_EQ(error.status(), 403);
  EXPECT_EQ(error.code(), "AccessDenied");
  EXPECT_STREQ(error.what(), "cannot read 's3://bucket/key': HTTP 403 AccessDenied: Access Denied");
}

TEST(AwsClient, GivesUpAfterMaxAttempts) {
  FakeHttpServer server([](const RecordedRequest&) {
    return s3_error(503, "ServiceUnavailable", "Please try again\nlater");
  });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}});
  auto error = catch_aws([&] { client->send(get(server), "read 's3://bucket/key'"); });
  EXPECT_EQ(server.requests().size(), 4u);
  EXPECT_EQ(error.kind(), ErrorKind::Network);
  EXPECT_STREQ(error.what(),
               "cannot read 's3://bucket/key': HTTP 503 ServiceUnavailable: Please try again later "
               "(gave up after 4 attempts)");
}

TEST(AwsClient, ConnectionRefusedIsANetworkError) {
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}});
  AwsRequest r;
  r.service = "s3";
  r.endpoint = "http://127.0.0.1:1";
  try {
    client->send(r, "list 's3://b'");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Network);
    std::string message = e.what();
    EXPECT_TRUE(message.starts_with("cannot list 's3://b': ")) << message;
    EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
    EXPECT_NE(message.find("gave up after 4 attempts"), std::string::npos) << message;
  }
}

class CountingProvider : public CredentialsProvider {
 public:
  Credentials get() override { return {"AKID" + std::to_string(generation), "secret", "", {}}; }
  void invalidate() override { ++generation; }
  std::string name() const override { return "counting"; }
  int generation = 0;
};

TEST(AwsClient, ExpiredTokenRefreshesCredentialsOnce) {
  FakeHttpServer server([](const RecordedRequest& r) {
    if (r.header("authorization").find("Credential=AKID0/") != std::string::npos) {
      return s3_error(400, "ExpiredToken", "The provided token has expired.");
    }
    return CannedResponse{200, {}, "fresh"};
  });
  auto provider = std::make_shared<CountingProvider>();
  AwsClient client(HttpClient::create(), provider, "us-east-1", kFastRetry);
  EXPECT_EQ(client.send(get(server), "read").body, "fresh");
  EXPECT_EQ(provider->generation, 1);
}

TEST(AwsClient, QueryProtocol) {
  FakeHttpServer server([](const RecordedRequest&) {
    return CannedResponse{200, {}, "<GetCallerIdentityResponse/>"};
  });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}});
  client->query_call("sts", server.url(), "AssumeRole", "2011-06-15",
                     {{"RoleArn", "arn:aws:iam::123456789012:role/x"}}, "assume");
  auto sent = server.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(
      sent.body,
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx");
  EXPECT_TRUE(sent.header("content-type").starts_with("application/x-www-form-urlencoded"));
  EXPECT_NE(sent.header("authorization").find("/sts/aws4_request"), std::string::npos);
}

TEST(AwsClient, JsonProtocolAndItsErrors) {
  FakeHttpServer server([](const RecordedRequest&) {
    return CannedResponse{
        400,
        {{"x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender"}},
        R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."})"};
  });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}});
  auto error = catch_aws([&] {
    client->json_call("sqs", server.url(), "AmazonSQS.SendMessage", R"({"QueueUrl":"q"})",
                      "send to queue 'q'");
  });
  auto sent = server.requests().at(0);
  EXPECT_EQ(sent.header("x-amz-target"), "AmazonSQS.SendMessage");
  EXPECT_EQ(sent.header("content-type"), "application/x-amz-json-1.0");
  EXPECT_EQ(sent.body, R"({"QueueUrl":"q"})");
  EXPECT_EQ(error.code(), "QueueDoesNotExist");
  EXPECT_STREQ(error.what(),
               "cannot send to queue 'q': HTTP 400 QueueDoesNotExist: The specified queue does not "
               "exist.");
}

TEST(AwsClient, ErrorCodeFromStatusWhenNoBody) {
  FakeHttpServer server([](const RecordedRequest&) { return CannedResponse{404, {}, ""}; });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}});
  AwsRequest r = get(server);
  r.method = "HEAD";
  auto error = catch_aws([&] { client->send(r, "head 's3://bucket/key'"); });
  EXPECT_EQ(error.kind(), ErrorKind::NotFound);
  EXPECT_STREQ(error.what(), "cannot head 's3://bucket/key': HTTP 404 NotFound");
  EXPECT_EQ(client->send(r, "head", {404}).status, 404);
}

TEST(AwsClient, MissingCredentialsNameTheAction) {
  FakeHttpServer server([](const RecordedRequest&) { return CannedResponse{200, {}, ""}; });
  auto none = chain({environment_credentials([](std::string_view) { return std::nullopt; })});
  AwsClient client(HttpClient::create(), none, "us-east-1", kFastRetry);
  try {
    client.send(get(server), "write 's3://bucket/key'");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Auth);
    EXPECT_TRUE(std::string(e.what()).starts_with(
        "cannot write 's3://bucket/key': no AWS credentials found (environment: no "
        "AWS_ACCESS_KEY_ID"))
        << e.what();
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST(AwsClient, WrongRegionSaysWhereTheBucketIs) {
  FakeHttpServer server([](const RecordedRequest&) {
    auto answer = s3_error(301, "PermanentRedirect",
                           "The bucket you are attempting to access must "
                           "be addressed using the specified endpoint.");
    answer.headers.emplace_back("x-amz-bucket-region", "us-west-2");
    return answer;
  });
  auto client = client_with({"AKIDTEST", std::string(kSecret), "", {}});
  auto error = catch_aws([&] { client->send(get(server), "list 's3://bucket'"); });
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(std::string(error.what())
                  .ends_with("(the bucket is in us-west-2, not eu-west-2: set AWS_REGION)"))
      << error.what();
}

TEST(AwsClient, HostHeader) {
  EXPECT_EQ(host_of("https://s3.eu-west-2.amazonaws.com"), "s3.eu-west-2.amazonaws.com");
  EXPECT_EQ(host_of("https://h:443/x"), "h");
  EXPECT_EQ(host_of("http://127.0.0.1:5000/x?y"), "127.0.0.1:5000");
}

}  // namespace
}  // namespace snaplake::aws
