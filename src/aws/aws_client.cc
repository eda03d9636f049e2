#include "aws/aws_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <random>
#include <thread>

#include "aws/crypto.h"
#include "common/log.h"

namespace snaplake::aws {
namespace {

constexpr size_t kMaxMessage = 300;

bool is_expired_token(std::string_view code) {
  return code == "ExpiredToken" || code == "ExpiredTokenException" || code == "RequestExpired" ||
         code == "TokenRefreshRequired";
}

ErrorKind kind_for(long status, std::string_view code) {
  if (is_retryable(status, code)) return ErrorKind::Network;
  if (status == 401 || status == 403 || code == "AccessDenied" || code == "AccessDeniedException" ||
      code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" ||
      code == "InvalidClientTokenId" || code == "UnrecognizedClientException" ||
      is_expired_token(code)) {
    return ErrorKind::Auth;
  }
  if (status == 404 || code.starts_with("NoSuch") || code == "NotFound" ||
      code == "ResourceNotFoundException") {
    return ErrorKind::NotFound;
  }
  if (status == 409) return ErrorKind::Conflict;
  return ErrorKind::InvalidInput;
}

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  if (text.size() > kMaxMessage) text = text.substr(0, kMaxMessage) + "...";
  return text;
}

std::string status_code_name(long status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 412:
      return "PreconditionFailed";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 502:
      return "BadGateway";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "GatewayTimeout";
    default:
      return "HttpError";
  }
}

void backoff(const RetryPolicy& policy, int attempt) {
  auto cap = std::min<int64_t>(policy.max_delay.count(),
                               policy.base_delay.count() * (int64_t{1} << std::min(attempt, 20)));
  std::random_device device;
  std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(cap, 0));
  std::this_thread::sleep_for(std::chrono::milliseconds(dist(device)));
}

}  // namespace

bool is_retryable(long status, std::string_view code) {
  static constexpr std::string_view kCodes[] = {"SlowDown",
                                                "Throttling",
                                                "ThrottlingException",
                                                "ThrottledException",
                                                "RequestThrottled",
                                                "RequestLimitExceeded",
                                                "TooManyRequestsException",
                                                "ProvisionedThroughputExceededException",
                                                "RequestTimeout",
                                                "RequestTimeoutException",
                                                "InternalError",
                                                "ServiceUnavailable",
                                                "PriorRequestNotComplete",
                                                "BandwidthLimitExceeded",
                                                "EC2ThrottledException"};
  if (status == 500 || status == 502 || status == 503 || status == 504 || status == 429)
    return true;
  return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

ErrorDetails parse_error(const HttpResponse& response) {
  ErrorDetails details;
  std::string_view body = response.body;
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && body[start] == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size())) {
      details.code = doc.select_node("//Code").node().text().as_string();
      details.message = doc.select_node("//Message").node().text().as_string();
    }
  } else if (start != std::string_view::npos && body[start] == '{') {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_object()) {
      std::string type = json.value("__type", json.value("code", std::string()));
      details.code = type.substr(type.find('#') == std::string::npos ? 0 : type.find('#') + 1);
      details.message = json.value("message", json.value("Message", std::string()));
    }
  }
  if (details.code.empty()) {
    // JSON services also say it in a header; SQS: "AWS.SimpleQueueService.NonExistentQueue;Sender".
    if (auto query_error = response.header("x-amzn-query-error")) {
      details.code = query_error->substr(0, query_error->find(';'));
    } else if (auto type = response.header("x-amzn-errortype")) {
      details.code = type->substr(0, type->find(':'));
    }
  }
  if (details.code.empty()) details.code = status_code_name(response.status);
  return details;
}

std::string form_encode(const QueryParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += uri_encode(name) + '=' + uri_encode(value);
  }
  return out;
}

std::string host_of(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  std::string_view host = rest.substr(0, rest.find_first_of("/?"));
  bool https = url.starts_with("https://");
  if ((https && host.ends_with(":443")) || (!https && host.ends_with(":80"))) {
    host = host.substr(0, host.rfind(':'));
  }
  return std::string(host);
}

HttpResponse AwsClient::send_once(const AwsRequest& request) const {
  HttpRequest http;
  http.method = request.method;
  http.url = request.endpoint + request.path;
  std::string query = canonical_query(request.query);
  if (!query.empty()) http.url += '?' + query;
  http.body = request.body;

  Headers headers = request.headers;
  headers.emplace_back("host", host_of(request.endpoint));
  if (!request.anonymous) {
    Credentials credentials = credentials_->get();
    auto now = std::chrono::system_clock::now();
    std::string payload_hash = sha256_hex(request.body);
    headers.emplace_back("x-amz-date", amz_date(now));
    if (request.content_sha256_header) headers.emplace_back("x-amz-content-sha256", payload_hash);
    if (!credentials.session_token.empty()) {
      headers.emplace_back("x-amz-security-token", credentials.session_token);
    }
    SigningRequest signing{request.method, request.path, request.query, headers, payload_hash};
    auto signature = sign(signing, region_, request.service, credentials, now);
    headers.emplace_back("authorization", signature.authorization);
  }
  http.headers = std::move(headers);
  return http_->send(http);
}

HttpResponse AwsClient::send(const AwsRequest& request, std::string_view what,
                             std::initializer_list<long> accept) const {
  bool refreshed = false;
  for (int attempt = 1;; ++attempt) {
    HttpResponse response;
    try {
      response = send_once(request);
    } catch (const Error& e) {
      // Credentials that cannot be found or fetched: say which action needed them.
      if (e.kind() != ErrorKind::Network) fail(e.kind(), "cannot {}: {}", what, e.what());
      if (attempt >= retry_.max_attempts) {
        fail(ErrorKind::Network, "cannot {}: {} (gave up after {} attempts)", what, e.what(),
             attempt);
      }
      log::debug("retrying {} after: {}", what, e.what());
      backoff(retry_, attempt);
      continue;
    }
    if ((response.status >= 200 && response.status < 300) ||
        std::find(accept.begin(), accept.end(), response.status) != accept.end()) {
      return response;
    }
    ErrorDetails error = parse_error(response);
    if (is_retryable(response.status, error.code) && attempt < retry_.max_attempts) {
      log::debug("retrying {} after HTTP {} {}", what, response.status, error.code);
      backoff(retry_, attempt);
      continue;
    }
    if (is_expired_token(error.code) && !refreshed && !request.anonymous) {
      refreshed = true;
      credentials_->invalidate();
      continue;
    }
    std::string message = fmt::format("cannot {}: HTTP {} {}", what, response.status, error.code);
    if (!error.message.empty()) message += ": " + one_line(error.message);
    // S3 says where a bucket lives when it is asked in the wrong region.
    if (auto bucket_region = response.header("x-amz-bucket-region");
        bucket_region && *bucket_region != region_) {
      message +=
          fmt::format(" (the bucket is in {}, not {}: set AWS_REGION)", *bucket_region, region_);
    }
    if (is_retryable(response.status, error.code)) {
      message += fmt::format(" (gave up after {} attempts)", attempt);
    }
    throw AwsError(kind_for(response.status, error.code), std::move(message), response.status,
                   error.code);
  }
}

std::string AwsClient::query_call(std::string_view service, std::string_view endpoint,
                                  std::string_view action, std::string_view version,
                                  const QueryParams& params, std::string_view what) const {
  QueryParams all{{"Action", std::string(action)}, {"Version", std::string(version)}};
  all.insert(all.end(), params.begin(), params.end());
  std::string body = form_encode(all);
  AwsRequest request;
  request.service = std::string(service);
  request.method = "POST";
  request.endpoint = std::string(endpoint);
  request.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = body;
  return send(request, what).body;
}

std::string AwsClient::json_call(std::string_view service, std::string_view endpoint,
                                 std::string_view target, std::string_view json_body,
                                 std::string_view what, std::string_view json_version) const {
  AwsRequest request;
  request.service = std::string(service);
  request.method = "POST";
  request.endpoint = std::string(endpoint);
  request.headers = {{"content-type", fmt::format("application/x-amz-json-{}", json_version)},
                     {"x-amz-target", std::string(target)}};
  request.body = json_body;
  return send(request, what).body;
}

}  // namespace snaplake::aws
