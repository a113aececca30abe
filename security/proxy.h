#pragma once
// The filtering egress proxy of one sandbox. It accepts on listening
// sockets that live inside the sandbox's network namespace (127.0.0.1:3128
// and :1080 there) and dials out from the host's namespace. Each accepted
// connection speaks either protocol, told apart by its first byte:
//   - SOCKS5 (0x05): no authentication, CONNECT only (IPv4, IPv6, name);
//   - HTTP/1.x: CONNECT host:port, or a request with an absolute http://
//     URI (forwarded with "Connection: close").
// Every destination is checked against the policy (domain_pattern.h); a
// name is resolved once, addresses that are not public (address.h) are
// refused unless the allowing entry was that IP literal, and the proxy
// connects to the very address it checked (no second resolution, so DNS
// rebinding gains nothing). Refusals answer 403 with X-Proxy-Error (HTTP)
// or reply 0x02 (SOCKS5), and are appended to the violations log.
//
// Runs on its own threads (one to accept, one per connection); destroying
// the Proxy closes the listeners and every open connection, then joins.

#include <sys/socket.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "security/policy.h"
#include "security/violation_log.h"

namespace sesame::security {

struct ProxyOptions {
  NetworkPolicy policy;
  // When set, asked for each new connection instead of `policy` (a policy
  // that changes over the sandbox's life, e.g. registries allowed only
  // while its runtimes install). Must be thread-safe.
  std::function<NetworkPolicy()> current_policy;
  ViolationLog* violations = nullptr;  // not owned; may be null
  // Resolves a host name to candidate addresses (port filled in). Default:
  // getaddrinfo. Replaceable in tests.
  std::function<std::vector<sockaddr_storage>(const std::string& host, int port)> resolve;
  int connect_timeout_ms = 10000;
};

class Proxy {
 public:
  virtual ~Proxy() = default;
  // Destinations decided so far (for tests and diagnostics).
  virtual uint64_t connections() const = 0;
};

// Takes ownership of `listeners` (bound and listening).
std::unique_ptr<Proxy> StartProxy(std::vector<int> listeners, ProxyOptions options);

// A TCP listener on 127.0.0.1:port in the calling thread's network
// namespace (port 0: any). Returns the fd, or -1 with errno set.
int ListenLoopback(int port, int backlog = 128);

}  // namespace sesame::security
