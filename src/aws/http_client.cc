#include "aws/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "common/error.h"

namespace snaplake::aws {
namespace {

constexpr size_t kMaxIdleHandles = 16;

std::once_flag g_curl_init;

// The CA certificates servers are verified with: OpenSSL's SSL_CERT_FILE where it is set, else
// libcurl's built-in bundle (Debian's /etc/ssl/certs/ca-certificates.crt). Amazon Linux keeps its
// bundle elsewhere; the Lambda package's bootstrap (deploy/lambda/bootstrap) names it.
const char* ca_bundle() {
  static const std::string file = [] {
    const char* value = std::getenv("SSL_CERT_FILE");
    return std::string(value ? value : "");
  }();
  return file.empty() ? nullptr : file.c_str();
}

struct BodyReader {
  std::string_view body;
  size_t offset = 0;
};

size_t read_body(char* buffer, size_t size, size_t count, void* user) {
  auto* reader = static_cast<BodyReader*>(user);
  size_t n = std::min(size * count, reader->body.size() - reader->offset);
  std::memcpy(buffer, reader->body.data() + reader->offset, n);
  reader->offset += n;
  return n;
}

int seek_body(void* user, curl_off_t offset, int origin) {
  auto* reader = static_cast<BodyReader*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > reader->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  reader->offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100 Continue or a redirect)
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  headers->emplace_back(std::move(name), std::string(value));
  return size * count;
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) fail(ErrorKind::Internal, "cannot build HTTP headers: out of memory");
    list = next;
  }
};

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string url_without_query(std::string_view url) {
  return std::string(url.substr(0, url.find('?')));
}

std::shared_ptr<HttpClient> HttpClient::create(HttpOptions options) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::shared_ptr<HttpClient>(new HttpClient(options));
}

HttpClient::~HttpClient() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* HttpClient::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  CURL* handle = curl_easy_init();
  if (handle == nullptr)
    fail(ErrorKind::Internal, "cannot start an HTTP client: curl_easy_init failed");
  return handle;
}

void HttpClient::release(void* handle) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

HttpResponse HttpClient::send(const HttpRequest& request) {
  // Borrow a handle; give it back (with its live connection) whatever happens.
  struct Lease {
    HttpClient* client;
    CURL* handle;
    ~Lease() { client->release(handle); }
  } lease{this, static_cast<CURL*>(acquire())};
  CURL* curl = lease.handle;
  curl_easy_reset(curl);  // keeps the connection cache

  HttpResponse response;
  BodyReader reader{request.body, 0};
  HeaderList headers;
  for (const auto& [name, value] : request.headers) headers.add(name + ": " + value);
  headers.add("Expect:");  // no 100-continue round trip before bodies

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  if (const char* bundle = ca_bundle()) curl_easy_setopt(curl, CURLOPT_CAINFO, bundle);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>(options_.stall_timeout.count() / 1000)));
  if (options_.total_timeout.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    // PUT, POST, DELETE: the body (possibly empty) streams from memory with a known length.
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seek_body);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &reader);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);

  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    fail(ErrorKind::Network, "cannot {} {}: {}", request.method, url_without_query(request.url),
         curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace snaplake::aws
