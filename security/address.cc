#include "security/address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace sesame::security {
namespace {

bool IsV4Mapped(const IpAddress& ip) {
  static const unsigned char kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(ip.data(), kPrefix, 12) == 0;
}

bool V4NonPublic(const unsigned char* a) {
  return a[0] == 0 || a[0] == 10 || a[0] == 127 ||                 // this, private, loopback
         (a[0] == 100 && (a[1] & 0xc0) == 64) ||                   // CGNAT 100.64/10
         (a[0] == 169 && a[1] == 254) ||                           // link-local, metadata
         (a[0] == 172 && (a[1] & 0xf0) == 16) ||                   // 172.16/12
         (a[0] == 192 && a[1] == 168) ||                           // 192.168/16
         (a[0] == 192 && a[1] == 0 && a[2] == 0) ||                // IETF protocol
         (a[0] == 198 && (a[1] & 0xfe) == 18) ||                   // benchmarking
         a[0] >= 224;                                              // multicast, reserved
}

}  // namespace

std::optional<IpAddress> ParseIpLiteral(std::string_view text_in) {
  std::string text(text_in);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  IpAddress ip{};
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    ip[10] = ip[11] = 0xff;
    std::memcpy(ip.data() + 12, &v4, 4);
    return ip;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(ip.data(), &v6, 16);
    return ip;
  }
  return std::nullopt;
}

IpAddress FromSockaddr(const sockaddr* addr) {
  IpAddress ip{};
  if (addr->sa_family == AF_INET) {
    ip[10] = ip[11] = 0xff;
    std::memcpy(ip.data() + 12, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, 4);
  } else if (addr->sa_family == AF_INET6) {
    std::memcpy(ip.data(), &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, 16);
  }
  return ip;
}

std::string FormatIp(const IpAddress& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsV4Mapped(ip)) {
    inet_ntop(AF_INET, ip.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, ip.data(), buf, sizeof buf);
  }
  return buf;
}

bool IsNonPublic(const IpAddress& ip) {
  if (IsV4Mapped(ip)) return V4NonPublic(ip.data() + 12);
  static const IpAddress kZero{};
  IpAddress loopback{};
  loopback[15] = 1;
  if (ip == kZero || ip == loopback) return true;
  if ((ip[0] & 0xfe) == 0xfc) return true;                   // fc00::/7 unique-local
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0xc0) return true;  // fec0::/10 site-local
  if (ip[0] == 0xff) return true;                            // multicast
  // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
  // embed an IPv4 address: judge that one.
  bool compat = std::all_of(ip.begin(), ip.begin() + 12, [](unsigned char c) { return c == 0; });
  bool nat64 = ip[0] == 0 && ip[1] == 0x64 && ip[2] == 0xff && ip[3] == 0x9b;
  if (compat || nat64) return V4NonPublic(ip.data() + 12);
  if (ip[0] == 0x20 && ip[1] == 0x02) return V4NonPublic(ip.data() + 2);
  return false;
}

}  // namespace sesame::security
