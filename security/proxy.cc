#include "security/proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <set>
#include <thread>

#include "common/mutex.h"
#include "common/thread_group.h"
#include "common/unique_fd.h"
#include "security/address.h"
#include "security/domain_pattern.h"
#include "security/proxy_protocol.h"
#include "security/relay.h"

namespace sesame::security {
namespace {

constexpr size_t kMaxHead = 64 * 1024;
constexpr int kHandshakeTimeoutMs = 30000;

std::vector<sockaddr_storage> ResolveWithGetaddrinfo(const std::string& host, int port) {
  std::vector<sockaddr_storage> out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return out;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    sockaddr_storage ss{};
    std::memcpy(&ss, a->ai_addr, a->ai_addrlen);
    out.push_back(ss);
  }
  ::freeaddrinfo(res);
  return out;
}

sockaddr_storage LiteralSockaddr(const IpAddress& ip, int port) {
  sockaddr_storage ss{};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.data(), kMapped, 12) == 0) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    std::memcpy(&in->sin_addr, ip.data() + 12, 4);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    std::memcpy(&in6->sin6_addr, ip.data(), 16);
  }
  return ss;
}

// Connects with a timeout; returns the fd or -1.
int ConnectTo(const sockaddr_storage& ss, int timeout_ms) {
  socklen_t len = ss.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int err = 0;
  socklen_t err_len = sizeof err;
  if (::poll(&p, 1, timeout_ms) != 1 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0 ||
      err != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads at least `n` bytes into `buf` (appending), with a deadline.
bool ReadAtLeast(int fd, std::string& buf, size_t n) {
  char tmp[4096];
  while (buf.size() < n) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kHandshakeTimeoutMs) != 1) return false;
    ssize_t r = ::recv(fd, tmp, sizeof tmp, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    buf.append(tmp, static_cast<size_t>(r));
  }
  return true;
}

struct Outcome {
  int fd = -1;             // connected upstream, or -1
  std::string rule;        // why refused
  bool refused = false;    // by policy (vs. a connection failure)
};

class ProxyImpl final : public Proxy {
 public:
  ProxyImpl(std::vector<int> listeners, ProxyOptions options) : options_(std::move(options)) {
    for (int fd : listeners) listeners_.emplace_back(fd);
    if (!options_.resolve) options_.resolve = ResolveWithGetaddrinfo;
    int p[2];
    if (::pipe2(p, O_CLOEXEC) == 0) {
      stop_read_.Reset(p[0]);
      stop_write_.Reset(p[1]);
    }
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~ProxyImpl() override {
    stop_write_.Reset();  // wakes the acceptor and every relay
    acceptor_.join();
    {
      MutexLock lock(mu_);
      for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    serving_.JoinAll();
  }

  uint64_t connections() const override { return connections_.load(); }

 private:
  void AcceptLoop();
  void Serve(UniqueFd client);
  void ServeHttp(int client, std::string buf);
  void ServeSocks(int client, std::string buf);
  Outcome Open(const std::string& host, int port, const std::string& operation);
  void Record(const std::string& operation, const std::string& target, const std::string& rule);

  ProxyOptions options_;
  std::vector<UniqueFd> listeners_;
  UniqueFd stop_read_, stop_write_;
  std::thread acceptor_;
  std::atomic<uint64_t> connections_{0};
  Mutex mu_;
  std::set<int> open_ GUARDED_BY(mu_);  // client fds being served
  ThreadGroup serving_;   // one thread per client
};

void ProxyImpl::AcceptLoop() {
  for (;;) {
    std::vector<pollfd> fds;
    for (const UniqueFd& l : listeners_) fds.push_back({l.get(), POLLIN, 0});
    fds.push_back({stop_read_.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds.back().revents != 0) return;
    for (size_t i = 0; i + 1 < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      int c = ::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      {
        MutexLock lock(mu_);
        open_.insert(c);
      }
      serving_.Spawn([this, c] { Serve(UniqueFd(c)); });
    }
  }
}

void ProxyImpl::Serve(UniqueFd client) {
  int fd = client.get();
  std::string buf;
  if (ReadAtLeast(fd, buf, 1)) {
    if (static_cast<unsigned char>(buf[0]) == 0x05) {
      ServeSocks(fd, std::move(buf));
    } else {
      ServeHttp(fd, std::move(buf));
    }
  }
  MutexLock lock(mu_);
  open_.erase(fd);
  client.Reset();
}

void ProxyImpl::Record(const std::string& operation, const std::string& target,
                       const std::string& rule) {
  if (options_.violations) options_.violations->Append({"network", operation, target, rule});
}

Outcome ProxyImpl::Open(const std::string& host_in, int port, const std::string& operation) {
  ++connections_;
  Outcome out;
  std::string host = NormalizeHost(host_in);
  bool v6 = host.find(':') != std::string::npos;
  std::string target = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  Decision d = DecideDestination(options_.current_policy ? options_.current_policy() : options_.policy, host, port);
  if (d.verdict != Verdict::kAllowed || !ValidHostSyntax(host)) {
    out.refused = true;
    out.rule = VerdictName(d.verdict);
    Record(operation, target, out.rule);
    return out;
  }
  std::vector<sockaddr_storage> candidates;
  if (auto literal = ParseIpLiteral(host)) {
    candidates.push_back(LiteralSockaddr(*literal, port));
  } else {
    candidates = options_.resolve(host, port);
  }
  bool any_public = false;
  for (const sockaddr_storage& ss : candidates) {
    // Only the entry that named this very IP may open a non-public address.
    if (IsNonPublic(FromSockaddr(reinterpret_cast<const sockaddr*>(&ss))) && !d.allowed_by_ip) continue;
    any_public = true;
    out.fd = ConnectTo(ss, options_.connect_timeout_ms);
    if (out.fd >= 0) return out;
  }
  if (!candidates.empty() && !any_public) {
    out.refused = true;
    out.rule = "blocked-by-private-ip";
    Record(operation, target, out.rule);
  }
  return out;
}

void ProxyImpl::ServeHttp(int client, std::string buf) {
  size_t end;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
    if (buf.size() > kMaxHead || !ReadAtLeast(client, buf, buf.size() + 1)) return;
  }
  std::string rest = buf.substr(end + 4);
  auto head = ParseRequestHead(std::string_view(buf).substr(0, end + 4));
  auto reply = [&](const std::string& status, const std::string& error, const std::string& body) {
    std::string r = "HTTP/1.1 " + status + "\r\n";
    if (!error.empty()) r += "X-Proxy-Error: " + error + "\r\n";
    r += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
    SendAll(client, r);
  };
  if (!head) return reply("400 Bad Request", "", "malformed request\n");
  bool connect = head->method == "CONNECT";
  auto dest = connect ? ParseAuthority(head->target) : ParseAbsoluteUri(head->target);
  if (!dest) return reply("400 Bad Request", "", "the proxy needs CONNECT host:port or an http:// URI\n");
  Outcome o = Open(dest->host, dest->port, connect ? "connect" : "http");
  UniqueFd upstream(o.fd);
  if (o.refused) {
    return reply("403 Forbidden", o.rule,
                 "Connection to " + dest->host + " blocked by the sandbox's network policy (" +
                     o.rule + "). Do not try to bypass the proxy: there is no other route.\n");
  }
  if (!upstream.valid()) return reply("502 Bad Gateway", "", "cannot connect to " + dest->host + "\n");
  if (connect) {
    if (!SendAll(client, "HTTP/1.1 200 Connection Established\r\n\r\n")) return;
    Relay(client, upstream.get(), rest, stop_read_.get());
  } else {
    Relay(client, upstream.get(), RewriteForOrigin(*head, *dest) + rest, stop_read_.get());
  }
}

void ProxyImpl::ServeSocks(int client, std::string buf) {
  // Greeting: VER NMETHODS METHODS...
  if (!ReadAtLeast(client, buf, 2)) return;
  size_t greeting = 2 + static_cast<unsigned char>(buf[1]);
  if (!ReadAtLeast(client, buf, greeting)) return;
  if (buf.substr(2, greeting - 2).find('\0') == std::string::npos) {
    SendAll(client, std::string("\x05\xff", 2));
    return;
  }
  if (!SendAll(client, std::string("\x05\x00", 2))) return;
  buf.erase(0, greeting);
  // Request: VER CMD RSV ATYP ADDR PORT
  if (!ReadAtLeast(client, buf, 5)) return;
  auto fail = [&](char code) {
    std::string r("\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10);
    r[1] = code;
    SendAll(client, r);
  };
  unsigned char cmd = buf[1], atyp = buf[3];
  size_t addr_len = atyp == 1 ? 4 : atyp == 4 ? 16 : atyp == 3 ? 1 + static_cast<unsigned char>(buf[4]) : 0;
  if (addr_len == 0) return fail(0x08);
  if (!ReadAtLeast(client, buf, 4 + addr_len + 2)) return;
  std::string host;
  if (atyp == 3) {
    host = buf.substr(5, addr_len - 1);
  } else {
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(atyp == 1 ? AF_INET : AF_INET6, buf.data() + 4, text, sizeof text);
    host = text;
  }
  int port = (static_cast<unsigned char>(buf[4 + addr_len]) << 8) |
             static_cast<unsigned char>(buf[5 + addr_len]);
  std::string rest = buf.substr(6 + addr_len);
  if (cmd != 1) {
    Record("socks5", host + ":" + std::to_string(port), "blocked-unsupported-command");
    return fail(0x07);
  }
  Outcome o = Open(host, port, "socks5");
  UniqueFd upstream(o.fd);
  if (o.refused) return fail(0x02);
  if (!upstream.valid()) return fail(0x05);
  if (!SendAll(client, std::string("\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10))) return;
  Relay(client, upstream.get(), rest, stop_read_.get());
}

}  // namespace

std::unique_ptr<Proxy> StartProxy(std::vector<int> listeners, ProxyOptions options) {
  return std::make_unique<ProxyImpl>(std::move(listeners), std::move(options));
}

int ListenLoopback(int port, int backlog) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, backlog) != 0) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

}  // namespace sesame::security
