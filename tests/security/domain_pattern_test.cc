#include "security/domain_pattern.h"

#include <gtest/gtest.h>

namespace sesame::security {
namespace {

TEST(DomainPatternTest, ExactMatchesOnlyThatHostCaseInsensitively) {
  EXPECT_TRUE(DomainPatternMatches("api.anthropic.com", "API.Anthropic.com.", 443));
  EXPECT_FALSE(DomainPatternMatches("api.anthropic.com", "x.api.anthropic.com", 443));
  EXPECT_FALSE(DomainPatternMatches("api.anthropic.com", "anthropic.com", 443));
}

TEST(DomainPatternTest, WildcardMatchesStrictSubdomainsOnly) {
  EXPECT_TRUE(DomainPatternMatches("*.example.com", "a.example.com", 443));
  EXPECT_TRUE(DomainPatternMatches("*.example.com", "a.b.example.com", 80));
  EXPECT_FALSE(DomainPatternMatches("*.example.com", "example.com", 443));
  EXPECT_FALSE(DomainPatternMatches("*.example.com", "badexample.com", 443));
  EXPECT_FALSE(DomainPatternMatches("*.0.0.1", "127.0.0.1", 443));
}

TEST(DomainPatternTest, PortsAndIpLiterals) {
  EXPECT_TRUE(DomainPatternMatches("github.com:22", "github.com", 22));
  EXPECT_FALSE(DomainPatternMatches("github.com:22", "github.com", 443));
  EXPECT_TRUE(DomainPatternMatches("127.0.0.1:8080", "127.0.0.1", 8080));
  EXPECT_TRUE(DomainPatternMatches("[::1]:8080", "::1", 8080));
  EXPECT_TRUE(DomainPatternMatches("[::1]", "[::1]", 1));
  EXPECT_FALSE(DomainPatternMatches("[::1]:8080", "::1", 8081));
}

TEST(DomainPatternTest, DenyListWinsAndStarDeniesEverything) {
  NetworkPolicy p;
  p.allowed_domains = {"*.example.com", "api.openai.com", "10.0.0.5"};
  p.denied_domains = {"evil.example.com"};
  EXPECT_EQ(DecideDestination(p, "good.example.com", 443).verdict, Verdict::kAllowed);
  Decision evil = DecideDestination(p, "evil.example.com", 443);
  EXPECT_EQ(evil.verdict, Verdict::kDeniedByDenylist);
  EXPECT_EQ(evil.rule, "evil.example.com");
  EXPECT_EQ(DecideDestination(p, "other.com", 443).verdict, Verdict::kDeniedByAllowlist);
  EXPECT_FALSE(DecideDestination(p, "api.openai.com", 443).allowed_by_ip);
  EXPECT_TRUE(DecideDestination(p, "10.0.0.5", 443).allowed_by_ip);
  p.denied_domains = {"*"};
  EXPECT_EQ(DecideDestination(p, "api.openai.com", 443).verdict, Verdict::kDeniedByDenylist);
}

TEST(DomainPatternTest, EmptyAllowListDeniesEverything) {
  NetworkPolicy p;
  EXPECT_EQ(DecideDestination(p, "example.com", 443).verdict, Verdict::kDeniedByAllowlist);
}

}  // namespace
}  // namespace sesame::security
