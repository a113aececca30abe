#pragma once
// Parsing what a client sends the filtering proxy: an HTTP/1.x request head
// (CONNECT host:port, or an absolute-URI request) and SOCKS5 requests.
// Pure functions over strings, for tests.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sesame::security {

struct HttpRequestHead {
  std::string method;
  std::string target;   // as sent: "host:443" or "http://host/path"
  std::string version;  // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;
};

// Parses the head (everything before the blank line, which `text` may
// include). nullopt when malformed.
std::optional<HttpRequestHead> ParseRequestHead(std::string_view text);

struct Destination {
  std::string host;  // without brackets
  int port = 0;
  std::string path;  // origin-form for absolute URIs ("/x?y"), else empty
};

// "host:port" / "[v6]:port" (CONNECT). nullopt without a valid port.
std::optional<Destination> ParseAuthority(std::string_view authority, int default_port = 0);
// "http://host[:port]/path" (only http). nullopt for anything else.
std::optional<Destination> ParseAbsoluteUri(std::string_view uri);

// The request head to send upstream: origin-form target, Proxy-* and
// hop-by-hop headers dropped, "Connection: close" added.
std::string RewriteForOrigin(const HttpRequestHead& head, const Destination& dest);

// True for host names a destination may carry: letters, digits, '-', '.',
// '_' (or an IP literal); no '%' zone ids, spaces or control bytes.
bool ValidHostSyntax(std::string_view host);

}  // namespace sesame::security
