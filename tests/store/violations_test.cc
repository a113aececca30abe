#include <gtest/gtest.h>

#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::TempDir;

Violation Make(const std::string& uid, int64_t seq, const std::string& kind = "network") {
  Violation v;
  v.sandbox = {specs::kKindSandbox, "team-a", "box-" + uid};
  v.sandbox_uid = uid;
  v.seq = seq;
  v.time = Time(std::chrono::seconds(1'800'000'000 + seq));
  v.kind = kind;
  v.operation = "connect";
  v.target = "evil.example.com:443";
  v.rule = "blocked-by-allowlist";
  return v;
}

TEST(ViolationsTest, RepeatsAreIgnoredAndOrderIsKept) {
  TempDir dir;
  auto store = Store::Open(dir.File("state.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->RecordViolations({Make("a", 1), Make("a", 2), Make("b", 1, "filesystem")}).ok());
  ASSERT_TRUE((*store)->RecordViolations({Make("a", 2), Make("a", 3)}).ok());
  auto all = (*store)->ListViolations({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_LT((*all)[0].id, (*all)[3].id);
  EXPECT_EQ((*all)[3].seq, 3);
  auto newer = (*store)->ListViolations({"", "box-a", (*all)[1].id, 0});
  ASSERT_EQ(newer->size(), 1u);
  EXPECT_EQ((*newer)[0].target, "evil.example.com:443");
  auto other_ns = (*store)->ListViolations({"team-b", "", 0, 0});
  EXPECT_TRUE(other_ns->empty());
  auto totals = (*store)->ViolationTotals();
  ASSERT_EQ(totals->size(), 2u);
  EXPECT_EQ((*totals)[1].kind, "network");
  EXPECT_EQ((*totals)[1].recorded, 3);
}

TEST(ViolationsTest, OldestAreDroppedBeyondTheLimitAndCounted) {
  TempDir dir;
  auto store = Store::Open(dir.File("state.db"));
  std::vector<Violation> many;
  for (int64_t i = 1; i <= kMaxViolationsPerSandbox + 25; ++i) many.push_back(Make("a", i));
  ASSERT_TRUE((*store)->RecordViolations(many).ok());
  auto kept = (*store)->ListViolations({"", "", 0, 0});
  ASSERT_EQ(kept->size(), static_cast<size_t>(kMaxViolationsPerSandbox));
  EXPECT_EQ(kept->front().seq, 26);
  auto totals = (*store)->ViolationTotals();
  EXPECT_EQ((*totals)[0].recorded, kMaxViolationsPerSandbox + 25);
  EXPECT_EQ((*totals)[0].dropped, 25);
}

TEST(SettingsTest, PutThenGet) {
  TempDir dir;
  auto store = Store::Open(dir.File("state.db"));
  EXPECT_FALSE((*(*store)->GetSetting("sandbox-security")).has_value());
  ASSERT_TRUE((*store)->PutSetting("sandbox-security", R"({"enabled":false})").ok());
  ASSERT_TRUE((*store)->PutSetting("sandbox-security", R"({"enabled":true})").ok());
  EXPECT_EQ(**(*store)->GetSetting("sandbox-security"), R"({"enabled":true})");
}

}  // namespace
}  // namespace sesame::store
