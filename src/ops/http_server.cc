#include "ops/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/error.h"
#include "common/log.h"

namespace snaplake::ops {
namespace {

constexpr size_t kMaxRequest = 8192;

std::string_view reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
  }
  return "Unknown";
}

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away: nothing to tell anyone
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text) {
  ListenAddress out{"127.0.0.1", 0};
  std::string_view port = text;
  if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    in_addr parsed{};
    if (inet_pton(AF_INET, out.host.c_str(), &parsed) != 1) {
      fail(ErrorKind::InvalidInput, "--listen '{}': '{}' is not an IPv4 address (e.g. 127.0.0.1)",
           text, out.host);
    }
  }
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (ec != std::errc() || end != port.data() + port.size() || out.port < 0 || out.port > 65535) {
    fail(ErrorKind::InvalidInput, "--listen '{}': the port must be a number from 0 to 65535", text);
  }
  return out;
}

HttpServer::HttpServer(int fd, ListenAddress bound, HttpHandler handler)
    : fd_(fd), bound_(std::move(bound)), handler_(std::move(handler)) {}

std::unique_ptr<HttpServer> HttpServer::start(const ListenAddress& address, HttpHandler handler) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail_errno(errno, "cannot open a socket for --listen");
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(address.port));
  inet_pton(AF_INET, address.host.c_str(), &addr.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
    int err = errno;
    ::close(fd);
    fail(ErrorKind::InvalidInput, "--listen {}:{}: cannot listen there: {}", address.host,
         address.port, std::strerror(err));
  }
  socklen_t length = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ListenAddress bound{address.host, ntohs(addr.sin_port)};
  std::unique_ptr<HttpServer> server(new HttpServer(fd, bound, std::move(handler)));
  server->thread_ = std::thread([s = server.get()] { s->serve(); });
  return server;
}

HttpServer::~HttpServer() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
}

std::string HttpServer::address() const {
  return fmt::format("{}:{}", bound_.host, bound_.port);
}

void HttpServer::serve() {
  log::Scope scope("http", address());
  while (!stopping_) {
    pollfd waiting{fd_, POLLIN, 0};
    // Wake up now and then to see whether the server is being stopped.
    if (::poll(&waiting, 1, 200) <= 0) continue;
    int connection = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    timeval timeout{2, 0};  // a client that sends nothing does not hold the server
    ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    answer(connection);
    ::close(connection);
  }
}

void HttpServer::answer(int connection) {
  std::string request;
  char buffer[2048];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < kMaxRequest) {
    ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    request.append(buffer, static_cast<size_t>(n));
  }
  HttpResponse response;
  // Request-line = method SP request-target SP HTTP-version (RFC 9112, section 3).
  std::string_view line(request);
  line = line.substr(0, line.find("\r\n"));
  size_t first = line.find(' ');
  size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  std::string_view method = line.substr(0, first);
  bool head = method == "HEAD";
  if (second == std::string_view::npos) {
    response = {400, "text/plain; charset=utf-8", "bad request\n"};
  } else if (method != "GET" && !head) {
    response = {405, "text/plain; charset=utf-8", "only GET and HEAD\n"};
  } else {
    std::string_view target = line.substr(first + 1, second - first - 1);
    target = target.substr(0, target.find('?'));
    try {
      response = handler_(target);
    } catch (const std::exception& e) {
      log::warn("answering {}: {}", log::printable(target), e.what());
      response = {500, "text/plain; charset=utf-8", std::string(e.what()) + "\n"};
    }
  }
  std::string header = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n"
      "Connection: close\r\n\r\n",
      response.status, reason(response.status), response.content_type, response.body.size());
  write_all(connection, header);
  if (!head) write_all(connection, response.body);
}

}  // namespace snaplake::ops
