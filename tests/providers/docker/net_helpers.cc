#include "tests/providers/docker/net_helpers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "security/proxy.h"

namespace sesame::providers::docker::testing {

std::string HttpGetUrl(const std::string& url) {
  const std::string scheme = "http://";
  if (!url.starts_with(scheme)) return "";
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(authority.c_str() + colon + 1)));
  if (::inet_pton(AF_INET, authority.substr(0, colon).c_str(), &addr.sin_addr) != 1) return "";
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  std::string response;
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "";
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + authority + "\r\n\r\n";
  // MSG_NOSIGNAL: a forwarder whose target is not listening yet closes at once.
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return "";
  }
  char buf[4096];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) > 0;) response.append(buf, static_cast<size_t>(n));
  return response;
}

std::string ReadRequestHead(int fd) {
  std::string request;
  char buf[4096];
  while (request.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    request.append(buf, static_cast<size_t>(n));
  }
  return request;
}

LoopbackHttpServer::LoopbackHttpServer(std::string body)
    : body_(std::move(body)), fd_(security::ListenLoopback(0)) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] {
    for (;;) {
      UniqueFd c(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!c.valid()) return;
      (void)ReadRequestHead(c.get());
      std::string response = "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body_.size()) +
                             "\r\nConnection: close\r\n\r\n" + body_;
      [[maybe_unused]] ssize_t w = ::send(c.get(), response.data(), response.size(), MSG_NOSIGNAL);
    }
  });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  ::shutdown(fd_.get(), SHUT_RDWR);
  thread_.join();
}

}  // namespace sesame::providers::docker::testing
