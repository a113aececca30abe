#include "specs/status_vocabulary.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace sesame::specs {
namespace {

// Every value has its own text, which parses back to it.
template <typename E, typename Parse>
void ExpectRoundTrip(E last, Parse parse) {
  std::set<std::string> seen;
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    E value = static_cast<E>(i);
    std::string text = ToString(value);
    EXPECT_TRUE(seen.insert(text).second) << text;
    EXPECT_EQ(parse(text), value) << text;
  }
}

TEST(StatusVocabularyTest, EveryValueRoundTrips) {
  ExpectRoundTrip(Phase::kTerminating, ParsePhase);
  ExpectRoundTrip(ConditionType::kExpired, ParseConditionType);
  ExpectRoundTrip(Reason::kProviderUnavailable, ParseReason);
}

TEST(StatusVocabularyTest, TextIsAsDocumented) {
  EXPECT_STREQ(ToString(Phase::kProvisioning), "Provisioning");
  EXPECT_STREQ(ToString(ConditionType::kSecurityEnforced), "SecurityEnforced");
  EXPECT_STREQ(ToString(Reason::kIdleTimeout), "IdleTimeout");
  EXPECT_EQ(ParsePhase("running"), std::nullopt);
  EXPECT_EQ(ParseReason("ImageChanged"), std::nullopt);
}

}  // namespace
}  // namespace sesame::specs
