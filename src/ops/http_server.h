// A small HTTP/1.1 server for the operations endpoints (`snaplake run --listen`): one thread
// that accepts a connection, reads one GET (or HEAD) request, answers it with
// `Connection: close`, and takes the next. Enough for a Prometheus scrape, a health probe and a
// person's browser; not a general web server (no keep-alive, no bodies, requests up to 8 KiB).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace snaplake::ops {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// The request's path, without its query string.
using HttpHandler = std::function<HttpResponse(std::string_view path)>;

struct ListenAddress {
  std::string host;  // an IPv4 address
  int port = 0;      // 0: any free port
};

// "PORT" (on 127.0.0.1, loopback: nothing outside the machine can connect) or "HOST:PORT" with
// an IPv4 address, e.g. "0.0.0.0:9464" to listen on every interface. Error(InvalidInput) else.
ListenAddress parse_listen_address(std::string_view text);

class HttpServer {
 public:
  // Binds and starts serving; Error(InvalidInput) for an address that cannot be bound (in use,
  // not this machine's).
  static std::unique_ptr<HttpServer> start(const ListenAddress& address, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "127.0.0.1:9464", with the port bound (also when 0 was asked for).
  std::string address() const;

 private:
  HttpServer(int fd, ListenAddress bound, HttpHandler handler);
  void serve();
  void answer(int connection);

  int fd_;
  ListenAddress bound_;
  HttpHandler handler_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace snaplake::ops
