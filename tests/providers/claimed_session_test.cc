// The message a claim sends a warm sandbox's supervisor.
#include "providers/filesystem/claimed_session.h"

#include <gtest/gtest.h>

namespace sesame::providers::filesystem {
namespace {

ClaimedSession Sample() {
  ClaimedSession s;
  s.key = {"Sandbox", "team", "claim-1"};
  s.command = {"sh", "-c", "echo \"$A\"\n'quoted'\\"};
  s.stdin_open = true;
  s.field_hashes = {{"command", "h1"}, {"env", "h2"}};
  s.env = {{"A", "line one\nline two"}, {"EMPTY", ""}, {"B", "b"}};
  return s;
}

TEST(ClaimedSessionTest, RoundTrips) {
  ClaimedSession sent = Sample();
  std::optional<ClaimedSession> got = DecodeClaimedSession(EncodeClaimedSession(sent));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->key, sent.key);
  EXPECT_EQ(got->command, sent.command);
  EXPECT_TRUE(got->stdin_open);
  EXPECT_EQ(got->field_hashes, sent.field_hashes);
  EXPECT_EQ(got->env, sent.env);
}

TEST(ClaimedSessionTest, AMessageCutShortIsRefused) {
  std::string whole = EncodeClaimedSession(Sample());
  for (size_t n = 0; n < whole.size(); ++n) {
    EXPECT_FALSE(DecodeClaimedSession(whole.substr(0, n))) << "cut at " << n;
  }
  EXPECT_FALSE(DecodeClaimedSession(whole + "X"));
  EXPECT_FALSE(DecodeClaimedSession(std::string("{\"key\":7}") + '\0' + '\0'));
  EXPECT_FALSE(DecodeClaimedSession(std::string("not json") + '\0' + '\0'));
}

TEST(ClaimedSessionTest, StateGetsTheSessionButNoValues) {
  SandboxState state;
  state.uid = "u";
  state.workspace = "/w";
  state.field_hashes = {{"warm", "pool"}};
  ApplyClaimedSession(Sample(), state);
  EXPECT_EQ(state.key.name, "claim-1");
  EXPECT_EQ(state.workspace, "/w");
  EXPECT_EQ(state.env_names, (std::vector<std::string>{"A", "EMPTY", "B"}));
  EXPECT_EQ(state.field_hashes.count("warm"), 0u);
  EXPECT_TRUE(state.stdin_open);
}

}  // namespace
}  // namespace sesame::providers::filesystem
