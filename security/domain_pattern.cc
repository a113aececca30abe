#include "security/domain_pattern.h"

#include <algorithm>
#include <cctype>

#include "security/address.h"

namespace sesame::security {
namespace {

// Splits "host", "host:port", "[v6]" or "[v6]:port"; port 0 = any.
void SplitPattern(std::string_view pattern, std::string& host, int& port) {
  port = 0;
  if (!pattern.empty() && pattern[0] == '[') {
    size_t close = pattern.find(']');
    host = std::string(pattern.substr(1, close == std::string_view::npos ? pattern.npos : close - 1));
    if (close != std::string_view::npos && close + 1 < pattern.size() && pattern[close + 1] == ':') {
      port = std::atoi(std::string(pattern.substr(close + 2)).c_str());
    }
    return;
  }
  size_t colon = pattern.rfind(':');
  if (colon != std::string_view::npos && pattern.find(':') == colon) {
    host = std::string(pattern.substr(0, colon));
    port = std::atoi(std::string(pattern.substr(colon + 1)).c_str());
  } else {
    host = std::string(pattern);
  }
}

}  // namespace

std::string NormalizeHost(std::string_view host) {
  std::string h(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

bool DomainPatternMatches(std::string_view pattern, std::string_view host_in, int port) {
  std::string host = NormalizeHost(host_in);
  std::string pat_host;
  int pat_port = 0;
  SplitPattern(pattern, pat_host, pat_port);
  pat_host = NormalizeHost(pat_host);
  if (pat_port != 0 && pat_port != port) return false;
  if (pat_host == "*") return true;
  if (pat_host.rfind("*.", 0) == 0) {
    if (ParseIpLiteral(host)) return false;
    std::string suffix = pat_host.substr(1);  // ".example.com"
    return host.size() > suffix.size() &&
           host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  if (auto a = ParseIpLiteral(pat_host)) {
    auto b = ParseIpLiteral(host);
    return b && *a == *b;
  }
  return pat_host == host;
}

Decision DecideDestination(const NetworkPolicy& policy, std::string_view host, int port) {
  Decision d;
  for (const std::string& p : policy.denied_domains) {
    if (DomainPatternMatches(p, host, port)) {
      d.verdict = Verdict::kDeniedByDenylist;
      d.rule = p;
      return d;
    }
  }
  for (const std::string& p : policy.allowed_domains) {
    if (DomainPatternMatches(p, host, port)) {
      d.verdict = Verdict::kAllowed;
      d.rule = p;
      std::string pat_host;
      int pat_port;
      SplitPattern(p, pat_host, pat_port);
      d.allowed_by_ip = ParseIpLiteral(NormalizeHost(pat_host)).has_value();
      return d;
    }
  }
  return d;
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kAllowed: return "allowed";
    case Verdict::kDeniedByDenylist: return "blocked-by-denylist";
    case Verdict::kDeniedByAllowlist: return "blocked-by-allowlist";
  }
  return "?";
}

}  // namespace sesame::security
