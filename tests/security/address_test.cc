#include "security/address.h"

#include <gtest/gtest.h>

namespace sesame::security {
namespace {

bool NonPublic(const char* text) {
  auto ip = ParseIpLiteral(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip && IsNonPublic(*ip);
}

TEST(AddressTest, PrivateLoopbackLinkLocalAndUniqueLocalAreNotPublic) {
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::",
                        "fc00::1", "fd12::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
                        "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "[::1]"}) {
    EXPECT_TRUE(NonPublic(a)) << a;
  }
}

TEST(AddressTest, PublicAddressesArePublic) {
  for (const char* a : {"1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111"}) {
    EXPECT_FALSE(NonPublic(a)) << a;
  }
}

TEST(AddressTest, NamesAndZoneIdsAreNotLiterals) {
  EXPECT_FALSE(ParseIpLiteral("example.com"));
  EXPECT_FALSE(ParseIpLiteral("fe80::1%eth0"));
  EXPECT_FALSE(ParseIpLiteral("127.1"));
}

}  // namespace
}  // namespace sesame::security
