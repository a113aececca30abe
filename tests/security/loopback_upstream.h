#pragma once
// A loopback HTTP server for the security tests: every connection's request
// is answered 200 with a fixed body, then closed.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "common/unique_fd.h"
#include "security/proxy.h"
#include "security/relay.h"

namespace sesame::security {

class LoopbackUpstream {
 public:
  explicit LoopbackUpstream(std::string body) : fd_(ListenLoopback(0)), body_(std::move(body)) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      for (int c; (c = ::accept(fd_.get(), nullptr, nullptr)) >= 0;) {
        char buf[4096];
        std::string req;
        while (req.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) break;
          req.append(buf, static_cast<size_t>(n));
        }
        SendAll(c, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body_.size()) +
                       "\r\nConnection: close\r\n\r\n" + body_);
        ::close(c);
      }
    });
  }
  ~LoopbackUpstream() {
    ::shutdown(fd_.get(), SHUT_RDWR);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  UniqueFd fd_;
  std::string body_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace sesame::security
