// A small HTTP client on libcurl. One HttpClient keeps a pool of curl easy handles; a request
// borrows one, so connections are reused across requests and several threads can send at once
// (each on its own handle). Request bodies are read straight from the caller's memory (no copy);
// response bodies are collected in memory (callers ask for bounded ranges).
//
// send() throws Error(Network) when the exchange itself fails (cannot connect, reset, timeout,
// stalled transfer); it never throws for an HTTP status — the caller decides what a status means.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4.h"

namespace snaplake::aws {

struct HttpRequest {
  std::string method = "GET";
  std::string url;        // scheme://host[:port]/path?query, already encoded
  Headers headers;        // sent as given (a "Host" here replaces curl's own)
  std::string_view body;  // not owned; must outlive send()
};

struct HttpResponse {
  long status = 0;
  Headers headers;  // names lowercased
  std::string body;

  std::optional<std::string> header(std::string_view lowercase_name) const;
};

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // A transfer that moves no byte for this long is abandoned (a dead connection, a hung server).
  std::chrono::milliseconds stall_timeout{60'000};
  // Upper bound for a whole exchange; 0 = none (large parts may take long on slow links).
  std::chrono::milliseconds total_timeout{0};
};

class HttpClient {
 public:
  static std::shared_ptr<HttpClient> create(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse send(const HttpRequest& request);

  const HttpOptions& options() const { return options_; }

 private:
  explicit HttpClient(HttpOptions options) : options_(options) {}
  void* acquire();
  void release(void* handle);

  HttpOptions options_;
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL* handles, each with its own connection cache
};

// "https://host:443/path?x=1" -> "https://host:443/path": a URL fit for a message.
std::string url_without_query(std::string_view url);

}  // namespace snaplake::aws
