#include "cli/unified_diff.h"

#include <gtest/gtest.h>

namespace sesame::cli {
namespace {

TEST(UnifiedDiffTest, EqualTextsHaveNoDiff) { EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "x", "y"), ""); }

TEST(UnifiedDiffTest, OneChangedLine) {
  std::string before = "a\nb\nc\nd\ne\n";
  std::string after = "a\nb\nC\nd\ne\n";
  EXPECT_EQ(UnifiedDiff(before, after, "live", "desired", 1),
            "--- live\n+++ desired\n@@ -2,3 +2,3 @@\n b\n-c\n+C\n d\n");
}

TEST(UnifiedDiffTest, NewObjectIsAllAdditions) {
  EXPECT_EQ(UnifiedDiff("", "a\nb\n", "live", "desired"), "--- live\n+++ desired\n@@ -0,0 +1,2 @@\n+a\n+b\n");
}

TEST(UnifiedDiffTest, DistantChangesMakeTwoHunks) {
  std::string before, after;
  for (int i = 0; i < 20; ++i) {
    before += std::to_string(i) + "\n";
    after += (i == 2 || i == 17 ? "x" : std::to_string(i)) + "\n";
  }
  std::string diff = UnifiedDiff(before, after, "a", "b", 2);
  EXPECT_NE(diff.find("@@ -1,5 +1,5 @@"), std::string::npos) << diff;
  EXPECT_NE(diff.find("@@ -16,5 +16,5 @@"), std::string::npos) << diff;
}

}  // namespace
}  // namespace sesame::cli
