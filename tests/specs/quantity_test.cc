#include "specs/quantity.h"

#include <gtest/gtest.h>

namespace sesame::specs {
namespace {

int64_t Milli(std::string_view text) {
  auto q = ParseQuantity(text);
  EXPECT_TRUE(q.ok()) << text << ": " << q.status().message();
  return q.ok() ? q->milli : -1;
}

std::string QuantityError(std::string_view text) {
  auto q = ParseQuantity(text);
  EXPECT_FALSE(q.ok()) << text;
  return q.ok() ? "" : q.status().message();
}

TEST(QuantityTest, PlainNumbers) {
  EXPECT_EQ(Milli("2"), 2000);
  EXPECT_EQ(Milli("0.5"), 500);
  EXPECT_EQ(Milli("1.5"), 1500);
  EXPECT_EQ(Milli(".5"), 500);
  EXPECT_EQ(Milli("0"), 0);
}

TEST(QuantityTest, Suffixes) {
  EXPECT_EQ(Milli("500m"), 500);
  EXPECT_EQ(Milli("1k"), 1000000);
  EXPECT_EQ(Milli("1M"), 1000000000);
  EXPECT_EQ(Milli("1Ki"), 1024000);
  EXPECT_EQ(Milli("512Mi"), 512LL * 1024 * 1024 * 1000);
  EXPECT_EQ(Milli("4Gi"), 4LL * 1024 * 1024 * 1024 * 1000);
  EXPECT_EQ(Milli("1.5G"), 1500000000000LL);
  EXPECT_EQ(Milli("1e3"), 1000000);
  EXPECT_EQ(Milli("1E3"), 1000000);
  EXPECT_EQ(Milli("1P"), 1000000000000000000LL);
  EXPECT_EQ(Milli("1Ti"), 1099511627776000LL);
  // Milli-units in int64 stop at about 9.2P.
  EXPECT_FALSE(ParseQuantity("1E").ok());
}

TEST(QuantityTest, RoundsUpToMilli) {
  EXPECT_EQ(Milli("0.0001"), 1);
  EXPECT_EQ(Milli("1.0001m"), 2);
  auto q = ParseQuantity("1500m");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->Value(), 2);
  EXPECT_EQ(q->text, "1500m");
}

TEST(QuantityTest, Errors) {
  EXPECT_EQ(QuantityError("4GB"), "\"4GB\" is not a quantity (use 4G or 4Gi)");
  EXPECT_EQ(QuantityError("4KB"), "\"4KB\" is not a quantity (use 4k or 4Ki)");
  EXPECT_EQ(QuantityError("4GiB"), "\"4GiB\" is not a quantity (use 4Gi)");
  EXPECT_EQ(QuantityError("4g"), "\"4g\" is not a quantity (use 4G or 4Gi)");
  EXPECT_EQ(QuantityError("-1"), "\"-1\" is negative");
  EXPECT_NE(QuantityError("").find("is not a quantity"), std::string::npos);
  EXPECT_NE(QuantityError("abc").find("\"abc\" is not a quantity"), std::string::npos);
  EXPECT_NE(QuantityError("1 Gi").find("is not a quantity"), std::string::npos);
  EXPECT_EQ(QuantityError("9999999999E"), "\"9999999999E\" is too large");
  EXPECT_EQ(QuantityError("99999999999999999999999999"), "\"99999999999999999999999999\" is too large");
  EXPECT_EQ(QuantityError("8Ei"), "\"8Ei\" is too large");
}

int64_t Ms(std::string_view text) {
  auto d = ParseDuration(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status().message();
  return d.ok() ? d->value.count() : -1;
}

TEST(DurationTest, Forms) {
  EXPECT_EQ(Ms("90s"), 90000);
  EXPECT_EQ(Ms("30m"), 30 * 60000);
  EXPECT_EQ(Ms("2h"), 2 * 3600000);
  EXPECT_EQ(Ms("1h30m"), 90 * 60000);
  EXPECT_EQ(Ms("500ms"), 500);
  EXPECT_EQ(Ms("1.5h"), 90 * 60000);
  EXPECT_EQ(Ms("4d"), 4LL * 86400000);
  EXPECT_EQ(Ms("0"), 0);
  EXPECT_EQ(ParseDuration("1h30m")->text, "1h30m");
}

TEST(DurationTest, Errors) {
  EXPECT_EQ(ParseDuration("10").status().message(),
            "\"10\" is not a duration (use 10s, 10m or 10h)");
  EXPECT_EQ(ParseDuration("").status().message(),
            "\"\" is not a duration (use e.g. 90s, 30m, 2h or 1h30m)");
  EXPECT_EQ(ParseDuration("5y").status().message(),
            "\"5y\" is not a duration (unknown unit \"y\"; use ms, s, m, h or d)");
  EXPECT_EQ(ParseDuration("-5s").status().message(), "\"-5s\" is negative");
  EXPECT_FALSE(ParseDuration("1h 30m").ok());
  EXPECT_FALSE(ParseDuration("h").ok());
  EXPECT_EQ(ParseDuration("99999999999999999d").status().message(),
            "\"99999999999999999d\" is too long");
}

TEST(NameTest, Dns1123Label) {
  EXPECT_EQ(CheckDns1123Label("fix-login-bug"), "");
  EXPECT_EQ(CheckDns1123Label("a"), "");
  EXPECT_EQ(CheckDns1123Label("0abc9"), "");
  EXPECT_EQ(CheckDns1123Label(""), "must not be empty");
  EXPECT_NE(CheckDns1123Label("Foo"), "");
  EXPECT_NE(CheckDns1123Label("-a"), "");
  EXPECT_NE(CheckDns1123Label("a-"), "");
  EXPECT_NE(CheckDns1123Label("a_b"), "");
  EXPECT_NE(CheckDns1123Label("a.b"), "");
  EXPECT_EQ(CheckDns1123Label(std::string(63, 'a')), "");
  EXPECT_EQ(CheckDns1123Label(std::string(64, 'a')), "must be at most 63 characters (it has 64)");
}

}  // namespace
}  // namespace sesame::specs
