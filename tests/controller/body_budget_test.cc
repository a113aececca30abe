#include "controller/api/body_budget.h"

#include <gtest/gtest.h>

namespace sesame::controller::api {
namespace {

TEST(BodyBudgetTest, ABodyStopsAtItsLimitWithoutKeepingThePiece) {
  std::atomic<int64_t> held{0};
  BodyBudget budget(held, 10, 100);
  BufferedBody body(budget);
  EXPECT_TRUE(body.Append("12345678", 8));
  EXPECT_FALSE(body.Append("abc", 3));
  EXPECT_EQ(body.refusal(), BufferedBody::Refusal::kTooLarge);
  EXPECT_EQ(held.load(), 8);
  EXPECT_EQ(body.Take(), "12345678");
}

TEST(BodyBudgetTest, ADeclaredLengthPastTheLimitIsRefusedUpFront) {
  std::atomic<int64_t> held{0};
  BodyBudget budget(held, 10, 100);
  BufferedBody body(budget);
  EXPECT_TRUE(body.Expect(10));
  EXPECT_FALSE(body.Expect(11));
  EXPECT_EQ(body.refusal(), BufferedBody::Refusal::kTooLarge);
}

TEST(BodyBudgetTest, BodiesTogetherStayUnderTheTotalAndGiveBackOnDestruction) {
  std::atomic<int64_t> held{0};
  BodyBudget budget(held, 10, 15);
  {
    BufferedBody first(budget);
    ASSERT_TRUE(first.Append("0123456789", 10));
    BufferedBody second(budget);
    EXPECT_FALSE(second.Append("0123456789", 10));
    EXPECT_EQ(second.refusal(), BufferedBody::Refusal::kServerFull);
    EXPECT_TRUE(second.Append("01234", 5));
    EXPECT_EQ(held.load(), 15);
  }
  EXPECT_EQ(held.load(), 0);
}

}  // namespace
}  // namespace sesame::controller::api
