#include "common/number.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(ParseIntegerTest, AcceptsWholeNumbersInRange) {
  EXPECT_EQ(*ParseInteger("0", "n"), 0);
  EXPECT_EQ(*ParseInteger("42", "n", 1, 64), 42);
  EXPECT_EQ(*ParseInteger("-7", "n"), -7);
  EXPECT_EQ(*ParseInteger("9223372036854775807", "n"), INT64_MAX);
}

TEST(ParseIntegerTest, RefusesWhatIsNotExactlyANumber) {
  for (const char* text : {"", "abc", "12x", " 7", "7 ", "+7", "0x10", "1.5", "99999999999999999999"}) {
    auto r = ParseInteger(text, "resourceVersion");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), Code::kInvalid);
    EXPECT_EQ(r.status().message(), std::string("resourceVersion: \"") + text + "\" is not a whole number");
  }
}

TEST(ParseIntegerTest, RefusesNumbersOutOfRange) {
  EXPECT_EQ(ParseInteger("65", "--workers", 1, 64).status().message(),
            "--workers: \"65\" is not a whole number from 1 to 64");
  EXPECT_EQ(ParseInteger("-1", "--tail", 0).status().message(), "--tail: \"-1\" is not a whole number of at least 0");
}

TEST(ParsePortTest, PortsAreZeroTo65535) {
  EXPECT_EQ(*ParsePort("0", "--listen"), 0);
  EXPECT_EQ(*ParsePort("65535", "--listen"), 65535);
  EXPECT_FALSE(ParsePort("65536", "--listen").ok());
  EXPECT_FALSE(ParsePort("77x7", "--listen").ok());
}

TEST(ParseHostPortTest, SplitsHostAndPort) {
  auto v4 = ParseHostPort("127.0.0.1:7777", "--listen");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 7777);
  auto v6 = ParseHostPort("[::1]:0", "--listen");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_EQ(ParseHostPort(":77x7", "--listen").status().message(),
            "--listen port: \"77x7\" is not a whole number from 0 to 65535");
  EXPECT_FALSE(ParseHostPort("7777", "--listen").ok());
  EXPECT_FALSE(ParseHostPort("::1:7777", "--listen").ok());
}

}  // namespace
}  // namespace sesame
