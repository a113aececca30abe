#include "common/time.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(ParseTimeTest, ReadsRfc3339WithZoneAndFraction) {
  EXPECT_EQ(FormatTime(*ParseTime("2026-12-01T00:00:00Z")), "2026-12-01T00:00:00Z");
  EXPECT_EQ(FormatTime(*ParseTime("2026-12-01T02:00:00.5+02:00"), true), "2026-12-01T00:00:00.500Z");
  EXPECT_FALSE(ParseTime("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseTime("2026-12-01T00:00:00"));
}

// Found by fuzz_api_body: an expiresAt in 1452 overflowed the nanosecond
// count of a Time (undefined behaviour) instead of being refused.
TEST(ParseTimeTest, RefusesInstantsATimeCannotHold) {
  EXPECT_FALSE(ParseTime("1452-12-01T00:00:00Z"));
  EXPECT_FALSE(ParseTime("9999-12-31T23:59:59Z"));
  EXPECT_FALSE(ParseTime("0000-01-01T00:00:00Z"));
  EXPECT_TRUE(ParseTime("1700-01-01T00:00:00Z"));
  EXPECT_TRUE(ParseTime("2200-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace sesame
