#include "cli/flags.h"

#include <gtest/gtest.h>

namespace sesame::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {
    {"namespace", 'n', true, ""}, {"filename", 'f', true, ""}, {"recursive", 'R', false, ""}};

TEST(FlagsTest, LongShortInlineAndRepeated) {
  auto flags = ParseFlags(kSpecs, {"get", "-n", "team-a", "--filename=a.yaml", "-fb.yaml", "-R", "x"});
  ASSERT_TRUE(flags.ok()) << flags.status().message();
  EXPECT_EQ(flags->Get("namespace"), "team-a");
  EXPECT_EQ(flags->GetAll("filename"), (std::vector<std::string>{"a.yaml", "b.yaml"}));
  EXPECT_TRUE(flags->Has("recursive"));
  EXPECT_EQ(flags->positional(), (std::vector<std::string>{"get", "x"}));
}

TEST(FlagsTest, DoubleDashEndsFlags) {
  auto flags = ParseFlags(kSpecs, {"box", "--", "ls", "-n"});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->rest(), (std::vector<std::string>{"ls", "-n"}));
  EXPECT_FALSE(flags->Has("namespace"));
}

TEST(FlagsTest, UnknownFlagAndMissingValueAreErrors) {
  auto unknown = ParseFlags(kSpecs, {"--frobnicate"});
  EXPECT_EQ(unknown.status().message(), "unknown flag: --frobnicate");
  auto missing = ParseFlags(kSpecs, {"-n"});
  EXPECT_EQ(missing.status().message(), "flag -n needs a value");
  auto value_on_bool = ParseFlags(kSpecs, {"--recursive=yes"});
  EXPECT_EQ(value_on_bool.status().code(), Code::kInvalid);
}

}  // namespace
}  // namespace sesame::cli
