// A tiny HTTP/1.1 server on 127.0.0.1 for unit tests: it records every request and answers with
// whatever the test's handler says — including dropping the connection without an answer —
// so retries, credential endpoints and error handling can be tested without the network.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "aws/sigv4.h"

namespace snaplake::aws::testing {

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as sent
  Headers headers;     // names lowercased
  std::string body;
  std::string header(std::string_view name) const;
};

struct CannedResponse {
  int status = 200;
  Headers headers;
  std::string body;
  bool drop = false;  // close the connection instead of answering
};

class FakeHttpServer {
 public:
  using Handler = std::function<CannedResponse(const RecordedRequest&)>;
  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();

  std::string url() const;  // "http://127.0.0.1:<port>"
  std::vector<RecordedRequest> requests() const;

 private:
  void serve();
  void serve_connection(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

// The fields of an application/x-www-form-urlencoded body (the AWS Query protocol's requests)
// as a map; every name is unique in these requests.
std::map<std::string, std::string> form_fields(std::string_view body);

}  // namespace snaplake::aws::testing
