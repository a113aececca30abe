#pragma once
// The proxy's allow-list and deny-list, with sandbox-runtime's semantics:
//   - entries are compared lowercase, without a trailing dot;
//   - "example.com" matches exactly that host;
//   - "*.example.com" matches strict subdomains only (a.example.com,
//     a.b.example.com), never example.com itself, never an IP literal;
//   - "host:port" restricts the entry to one destination port; IPv6
//     literals are bracketed ("[::1]", "[::1]:8080");
//   - "*" (deny-list only) matches everything;
//   - the deny-list is checked first and wins.

#include <string>
#include <string_view>
#include <vector>

#include "security/policy.h"

namespace sesame::security {

// True when `pattern` matches `host` (normalized) on `port`.
bool DomainPatternMatches(std::string_view pattern, std::string_view host, int port);

// Lowercase, without a trailing dot and without IPv6 brackets.
std::string NormalizeHost(std::string_view host);

enum class Verdict { kAllowed, kDeniedByDenylist, kDeniedByAllowlist };

struct Decision {
  Verdict verdict = Verdict::kDeniedByAllowlist;
  std::string rule;  // the matching entry; empty when none matched
  // True when the allowing entry names the host as an IP literal, which
  // then may be private or loopback.
  bool allowed_by_ip = false;
};

// The proxy's decision for a destination, before any DNS resolution.
Decision DecideDestination(const NetworkPolicy& policy, std::string_view host, int port);

// "blocked-by-denylist" / "blocked-by-allowlist" (the X-Proxy-Error value).
const char* VerdictName(Verdict v);

}  // namespace sesame::security
