#pragma once
// IP addresses as the proxy checks them: literals, and whether an address
// is one a sandbox may never reach by name (loopback, private, CGNAT,
// link-local including cloud metadata 169.254.169.254, unique-local,
// multicast, unspecified; IPv4-mapped IPv6 judged as its IPv4).

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sesame::security {

// 16 bytes; IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d).
using IpAddress = std::array<unsigned char, 16>;

// The address of a literal ("10.0.0.1", "::1", "[::1]"); nullopt for a
// name. Zone ids ("fe80::1%eth0") are refused (nullopt).
std::optional<IpAddress> ParseIpLiteral(std::string_view text);
IpAddress FromSockaddr(const sockaddr* addr);
std::string FormatIp(const IpAddress& ip);

// True for addresses a hostname may not resolve to.
bool IsNonPublic(const IpAddress& ip);

}  // namespace sesame::security
