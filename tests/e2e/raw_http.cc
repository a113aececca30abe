#include "tests/e2e/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <strings.h>

namespace sesame::e2e {

RawHttp::RawHttp(const std::string& url) {
  int port = std::atoi(url.substr(url.rfind(':') + 1).c_str());
  fd_.Reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fd_.Reset();
}

bool RawHttp::Send(const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd_.get(), data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool RawHttp::Readable() {
  pollfd p{fd_.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

std::string RawHttp::ReadResponse() {
  std::string in;
  char buf[65536];
  while (true) {
    auto end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string length = HeaderOf(in, "Content-Length");
      if (!length.empty() && in.size() >= end + 4 + std::strtoul(length.c_str(), nullptr, 10)) return in;
    }
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 60000) <= 0) return in;
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n <= 0) return in;
    in.append(buf, static_cast<size_t>(n));
  }
}

std::string RawHttp::ReadUntil(const std::string& needle) {
  std::string in;
  char buf[65536];
  while (in.find(needle) == std::string::npos) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 60000) <= 0) break;
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  return in;
}

size_t RawHttp::SendChunksUntilAnswered(size_t chunk, size_t max_bytes) {
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk);
  std::string piece = size_line + std::string(chunk, 'a') + "\r\n";
  size_t sent = 0;
  while (sent < max_bytes && !Readable()) {
    // Blocks while the server does not read: then an answer is due.
    pollfd p{fd_.get(), POLLOUT, 0};
    if (::poll(&p, 1, 1000) == 0) continue;
    if (!Send(piece)) break;
    sent += chunk;
  }
  return sent;
}

int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

std::string BodyOf(const std::string& response) {
  auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string HeaderOf(const std::string& response, const std::string& name) {
  size_t at = response.find("\r\n");
  auto end = response.find("\r\n\r\n");
  while (at != std::string::npos && at < end) {
    size_t next = response.find("\r\n", at + 2);
    std::string line = response.substr(at + 2, next - at - 2);
    auto colon = line.find(':');
    if (colon != std::string::npos && colon == name.size() &&
        strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
      size_t start = line.find_first_not_of(' ', colon + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
    at = next;
  }
  return "";
}

}  // namespace sesame::e2e
