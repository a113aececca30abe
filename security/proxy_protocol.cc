#include "security/proxy_protocol.h"

#include <algorithm>
#include <cctype>

#include "security/address.h"

namespace sesame::security {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::optional<int> ParsePort(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port <= 0 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

std::optional<HttpRequestHead> ParseRequestHead(std::string_view text) {
  size_t end = text.find("\r\n\r\n");
  if (end != std::string_view::npos) text = text.substr(0, end);
  size_t line_end = text.find("\r\n");
  std::string_view line = text.substr(0, line_end);
  HttpRequestHead head;
  size_t s1 = line.find(' ');
  size_t s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
  if (s1 == std::string_view::npos || s2 == std::string_view::npos) return std::nullopt;
  head.method = std::string(line.substr(0, s1));
  head.target = std::string(line.substr(s1 + 1, s2 - s1 - 1));
  head.version = std::string(line.substr(s2 + 1));
  if (head.method.empty() || head.target.empty() || head.version.rfind("HTTP/1.", 0) != 0) {
    return std::nullopt;
  }
  while (line_end != std::string_view::npos) {
    size_t start = line_end + 2;
    line_end = text.find("\r\n", start);
    std::string_view h = text.substr(start, line_end == std::string_view::npos ? text.npos : line_end - start);
    if (h.empty()) continue;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    head.headers.emplace_back(std::string(Trim(h.substr(0, colon))), std::string(Trim(h.substr(colon + 1))));
  }
  return head;
}

bool ValidHostSyntax(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (ParseIpLiteral(host)) return true;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

std::optional<Destination> ParseAuthority(std::string_view a, int default_port) {
  Destination d;
  std::string_view port_text;
  if (!a.empty() && a[0] == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    d.host = std::string(a.substr(1, close - 1));
    if (close + 1 < a.size()) {
      if (a[close + 1] != ':') return std::nullopt;
      port_text = a.substr(close + 2);
    }
    if (!ParseIpLiteral(d.host)) return std::nullopt;
  } else {
    size_t colon = a.rfind(':');
    if (colon != std::string_view::npos && a.find(':') != colon) return std::nullopt;  // bare v6
    d.host = std::string(a.substr(0, colon));
    if (colon != std::string_view::npos) port_text = a.substr(colon + 1);
  }
  if (port_text.empty()) {
    if (default_port == 0) return std::nullopt;
    d.port = default_port;
  } else {
    auto port = ParsePort(port_text);
    if (!port) return std::nullopt;
    d.port = *port;
  }
  d.host = Lower(d.host);
  if (!ValidHostSyntax(d.host)) return std::nullopt;
  return d;
}

std::optional<Destination> ParseAbsoluteUri(std::string_view uri) {
  constexpr std::string_view kScheme = "http://";
  if (uri.size() <= kScheme.size() || Lower(std::string(uri.substr(0, kScheme.size()))) != kScheme) {
    return std::nullopt;
  }
  uri.remove_prefix(kScheme.size());
  size_t slash = uri.find_first_of("/?#");
  std::string_view authority = uri.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
  auto d = ParseAuthority(authority, 80);
  if (!d) return std::nullopt;
  d->path = slash == std::string_view::npos ? "/" : std::string(uri.substr(slash));
  if (d->path[0] != '/') d->path = "/" + d->path;
  return d;
}

std::string RewriteForOrigin(const HttpRequestHead& head, const Destination& dest) {
  std::string out = head.method + " " + dest.path + " " + head.version + "\r\n";
  bool has_host = false;
  for (const auto& [name, value] : head.headers) {
    std::string n = Lower(name);
    if (n.rfind("proxy-", 0) == 0 || n == "connection" || n == "keep-alive" || n == "te") {
      continue;
    }
    if (n == "host") has_host = true;
    out += name + ": " + value + "\r\n";
  }
  if (!has_host) {
    bool v6 = dest.host.find(':') != std::string::npos;
    std::string host = v6 ? "[" + dest.host + "]" : dest.host;
    out += "Host: " + host + (dest.port == 80 ? "" : ":" + std::to_string(dest.port)) + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  return out;
}

}  // namespace sesame::security
