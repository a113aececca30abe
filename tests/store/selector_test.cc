#include "store/selector.h"

#include <gtest/gtest.h>

namespace sesame::store {
namespace {

using Labels = specs::StringMap;

Selector MustParse(std::string_view text) {
  Result<Selector> s = Selector::Parse(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().message();
  return s.ok() ? *s : Selector();
}

TEST(SelectorTest, EmptyMatchesEverything) {
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("   ").Matches({}));
  EXPECT_TRUE(Selector().Matches({{"a", "b"}}));
}

TEST(SelectorTest, Equals) {
  for (const char* text : {"app=web", "app==web", " app = web "}) {
    Selector s = MustParse(text);
    EXPECT_TRUE(s.Matches({{"app", "web"}})) << text;
    EXPECT_FALSE(s.Matches({{"app", "db"}})) << text;
    EXPECT_FALSE(s.Matches({})) << text;
  }
}

TEST(SelectorTest, NotEqualsMatchesMissingKey) {
  Selector s = MustParse("app!=web");
  EXPECT_FALSE(s.Matches({{"app", "web"}}));
  EXPECT_TRUE(s.Matches({{"app", "db"}}));
  EXPECT_TRUE(s.Matches({}));
}

TEST(SelectorTest, In) {
  Selector s = MustParse("env in (dev, staging)");
  EXPECT_TRUE(s.Matches({{"env", "dev"}}));
  EXPECT_TRUE(s.Matches({{"env", "staging"}}));
  EXPECT_FALSE(s.Matches({{"env", "prod"}}));
  EXPECT_FALSE(s.Matches({}));
}

TEST(SelectorTest, NotInMatchesMissingKey) {
  Selector s = MustParse("env notin(prod)");
  EXPECT_FALSE(s.Matches({{"env", "prod"}}));
  EXPECT_TRUE(s.Matches({{"env", "dev"}}));
  EXPECT_TRUE(s.Matches({}));
}

TEST(SelectorTest, ExistsAndNotExists) {
  Selector exists = MustParse("team");
  EXPECT_TRUE(exists.Matches({{"team", ""}}));
  EXPECT_FALSE(exists.Matches({}));
  Selector missing = MustParse("! team");
  EXPECT_FALSE(missing.Matches({{"team", "a"}}));
  EXPECT_TRUE(missing.Matches({}));
}

TEST(SelectorTest, CommaMeansAnd) {
  Selector s = MustParse("app=web, env in (dev,prod),!legacy,tier");
  EXPECT_EQ(s.requirements().size(), 4u);
  EXPECT_TRUE(s.Matches({{"app", "web"}, {"env", "dev"}, {"tier", "1"}}));
  EXPECT_FALSE(s.Matches({{"app", "web"}, {"env", "dev"}, {"tier", "1"}, {"legacy", "y"}}));
  EXPECT_FALSE(s.Matches({{"app", "web"}, {"env", "dev"}}));
}

TEST(SelectorTest, PrefixedKeysAndEmptyValues) {
  Selector s = MustParse("sesame.dev/owner=alice,empty=");
  EXPECT_TRUE(s.Matches({{"sesame.dev/owner", "alice"}, {"empty", ""}}));
  EXPECT_FALSE(s.Matches({{"sesame.dev/owner", "alice"}, {"empty", "x"}}));
}

TEST(SelectorTest, ToStringRoundTrips) {
  Selector s = MustParse("a==b, c != d,e in (x,y), f notin (z), g, !h");
  EXPECT_EQ(s.ToString(), "a=b,c!=d,e in (x,y),f notin (z),g,!h");
  EXPECT_EQ(MustParse(s.ToString()).ToString(), s.ToString());
}

// Found by fuzz_scalars: empty values lost their commas in ToString
// ("k in (,)" printed as "k in ()", which does not parse).
TEST(SelectorTest, EmptyValuesInAListRoundTrip) {
  Selector s = MustParse("k in (,), j notin (,x)");
  EXPECT_EQ(s.ToString(), "k in (,),j notin (,x)");
  EXPECT_EQ(MustParse(s.ToString()).ToString(), s.ToString());
  EXPECT_TRUE(s.Matches({{"k", ""}}));
}

struct ErrorCase {
  const char* text;
  const char* message;
};

TEST(SelectorTest, ErrorsNameTheColumn) {
  const ErrorCase cases[] = {
      {"env in (a,b", "-l: at column 12: expected \",\" or \")\""},
      {"env in a", "-l: at column 8: expected \"(\""},
      {"a=b,", "-l: at column 5: expected a label key"},
      {"a=b c", "-l: at column 5: expected \",\" or the end of the selector"},
      {"a!b", "-l: at column 3: expected \"=\" after \"!\""},
      {"a >= 3", "-l: at column 3: expected an operator (=, ==, !=, in, notin), \",\" or the end"},
      {"env in ()", "-l: at column 9: expected at least one value in the parentheses"},
      {"=b", "-l: at column 1: expected a label key"},
      {"a=-b", "-l: at column 3: invalid label value \"-b\": at most 63 characters, starting "
               "and ending with a letter or digit"},
  };
  for (const ErrorCase& c : cases) {
    Result<Selector> s = Selector::Parse(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.status().code(), Code::kInvalid);
    EXPECT_EQ(s.status().message(), c.message) << c.text;
  }
}

TEST(SelectorTest, RejectsOverlongValues) {
  std::string text = "a=" + std::string(64, 'x');
  EXPECT_FALSE(Selector::Parse(text).ok());
  EXPECT_TRUE(Selector::Parse("a=" + std::string(63, 'x')).ok());
}

}  // namespace
}  // namespace sesame::store
