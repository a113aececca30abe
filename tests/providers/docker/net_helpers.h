#pragma once
// Plain-TCP HTTP helpers for the docker tests: a GET against a URL, and a
// server on the host's loopback that answers every request with a fixed
// body (the allowed upstream of a hardened sandbox's proxy).

#include <string>
#include <thread>

#include "common/unique_fd.h"

namespace sesame::providers::docker::testing {

// GET of "http://IPV4:PORT/PATH" over HTTP/1.0; the whole response, or
// empty when nothing answered.
std::string HttpGetUrl(const std::string& url);

// What a client sent on `fd` up to the end of its request head.
std::string ReadRequestHead(int fd);

class LoopbackHttpServer {
 public:
  explicit LoopbackHttpServer(std::string body);
  ~LoopbackHttpServer();
  int port() const { return port_; }

 private:
  std::string body_;
  UniqueFd fd_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace sesame::providers::docker::testing
