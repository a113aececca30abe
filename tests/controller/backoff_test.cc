#include "controller/backoff.h"

#include <gtest/gtest.h>

namespace sesame::controller {
namespace {

// A random source that always returns `u`.
Backoff::RandomSource Fixed(double u) {
  return [u] { return u; };
}

TEST(BackoffTest, GrowsFromBaseByFactor) {
  Backoff backoff(BackoffPolicy(), Fixed(0.5));  // u = 0.5: no jitter.
  EXPECT_EQ(Millis(100), backoff.Delay("a"));
  EXPECT_EQ(Millis(200), backoff.Delay("a"));
  EXPECT_EQ(Millis(400), backoff.Delay("a"));
  EXPECT_EQ(Millis(800), backoff.Delay("a"));
  EXPECT_EQ(Millis(1600), backoff.Delay("a"));
  EXPECT_EQ(5, backoff.NumRequeues("a"));
}

TEST(BackoffTest, KeysAreIndependent) {
  Backoff backoff(BackoffPolicy(), Fixed(0.5));
  backoff.Delay("a");
  backoff.Delay("a");
  EXPECT_EQ(Millis(100), backoff.Delay("b"));
  EXPECT_EQ(2, backoff.NumRequeues("a"));
  EXPECT_EQ(1, backoff.NumRequeues("b"));
  EXPECT_EQ(0, backoff.NumRequeues("c"));
}

TEST(BackoffTest, CapsAtFiveMinutes) {
  Backoff backoff(BackoffPolicy(), Fixed(0.5));
  Millis last{0};
  for (int i = 0; i < 40; ++i) last = backoff.Delay("a");
  EXPECT_EQ(Millis(5 * 60 * 1000), last);
  // 100 ms * 2^12 = 409.6 s is the first nominal value past the cap.
  Backoff fresh(BackoffPolicy(), Fixed(0.5));
  for (int i = 0; i < 11; ++i) fresh.Delay("a");
  EXPECT_EQ(Millis(204800), fresh.Delay("a"));
  EXPECT_EQ(Millis(300000), fresh.Delay("a"));
}

TEST(BackoffTest, HugeFailureCountsStayCapped) {
  Backoff backoff(BackoffPolicy(), Fixed(0.5));
  for (int i = 0; i < 5000; ++i) {
    Millis d = backoff.Delay("a");
    ASSERT_GE(d, Millis(100));
    ASSERT_LE(d, Millis(300000));
  }
}

TEST(BackoffTest, JitterStaysWithinTwentyPercent) {
  Backoff low(BackoffPolicy(), Fixed(0.0));
  Backoff high(BackoffPolicy(), Fixed(0.999999));
  EXPECT_EQ(Millis(80), low.Delay("a"));
  EXPECT_EQ(Millis(160), low.Delay("a"));
  EXPECT_EQ(Millis(120), high.Delay("a"));
  EXPECT_EQ(Millis(240), high.Delay("a"));
}

TEST(BackoffTest, JitterNeverExceedsCap) {
  Backoff low(BackoffPolicy(), Fixed(0.0));
  Backoff high(BackoffPolicy(), Fixed(0.999999));
  for (int i = 0; i < 30; ++i) {
    low.Delay("a");
    high.Delay("a");
  }
  EXPECT_EQ(Millis(240000), low.Delay("a"));   // 0.8 * cap.
  EXPECT_EQ(Millis(300000), high.Delay("a"));  // Clamped to the cap.
}

TEST(BackoffTest, DefaultRandomSourceStaysInBounds) {
  Backoff backoff;
  for (int i = 0; i < 100; ++i) {
    backoff.Forget("a");
    Millis d = backoff.Delay("a");
    ASSERT_GE(d, Millis(80));
    ASSERT_LE(d, Millis(120));
  }
}

TEST(BackoffTest, ForgetResets) {
  Backoff backoff(BackoffPolicy(), Fixed(0.5));
  for (int i = 0; i < 5; ++i) backoff.Delay("a");
  backoff.Forget("a");
  EXPECT_EQ(0, backoff.NumRequeues("a"));
  EXPECT_EQ(Millis(100), backoff.Delay("a"));
}

TEST(BackoffTest, RetryAfterIsALowerBound) {
  Backoff backoff(BackoffPolicy(), Fixed(0.5));
  EXPECT_EQ(Millis(2000), backoff.Delay("a", Millis(2000)));
  // The hint still counts a failure: the backoff went on growing.
  EXPECT_EQ(Millis(200), backoff.Delay("a", Millis(50)));
  EXPECT_EQ(Millis(400), backoff.Delay("a"));
  // A hint may exceed the cap.
  EXPECT_EQ(Millis(600000), backoff.Delay("a", Millis(600000)));
}

TEST(BackoffTest, CustomPolicy) {
  BackoffPolicy policy;
  policy.base = Millis(10);
  policy.factor = 3;
  policy.cap = Millis(100);
  policy.jitter = 0;
  Backoff backoff(policy, Fixed(0.0));
  EXPECT_EQ(Millis(10), backoff.Delay("a"));
  EXPECT_EQ(Millis(30), backoff.Delay("a"));
  EXPECT_EQ(Millis(90), backoff.Delay("a"));
  EXPECT_EQ(Millis(100), backoff.Delay("a"));
}

}  // namespace
}  // namespace sesame::controller
