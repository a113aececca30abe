#include "security/policy.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sesame::security {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class PolicyTest : public ::testing::Test {
 protected:
  SandboxPolicy Compute() {
    PolicyInput in;
    in.spec = &spec_;
    in.workspace = "/work/ws";
    in.home = "/home/u";
    in.sesame_home = "/home/u/.sesame";
    in.admin = admin_;
    in.hidden = hidden_;
    return ComputePolicy(in);
  }
  specs::SandboxSpec spec_;
  AdminSettings admin_;
  std::vector<std::string> hidden_;
};

TEST_F(PolicyTest, OtherWorkspacesAndPrivateFilesAreHiddenButNotOnesOwn) {
  hidden_ = {"/srv/other-ws", "/var/lib/sesame/state.db", "/work", "/work/ws", "/work/ws/sub", "/srv/x/../y"};
  SandboxPolicy p = Compute();
  EXPECT_TRUE(Has(p.filesystem.deny_read, "/srv/other-ws"));
  EXPECT_TRUE(Has(p.filesystem.deny_read, "/var/lib/sesame/state.db"));
  EXPECT_TRUE(Has(p.filesystem.deny_read, "/srv/y"));
  // A shared workspace, one holding it and one inside it stay visible.
  EXPECT_FALSE(Has(p.filesystem.deny_read, "/work"));
  EXPECT_FALSE(Has(p.filesystem.deny_read, "/work/ws"));
  EXPECT_FALSE(Has(p.filesystem.deny_read, "/work/ws/sub"));
}

TEST_F(PolicyTest, DefaultsHideSecretsAndTheControllersState) {
  SandboxPolicy p = Compute();
  EXPECT_TRUE(p.enabled);
  EXPECT_EQ(p.filesystem.workspace, "/work/ws");
  EXPECT_EQ(p.filesystem.home, "/home/u");
  for (const char* d : {"/home/u/.ssh", "/home/u/.aws", "/home/u/.gnupg", "/home/u/.config/gcloud",
                        "/home/u/.kube", "/home/u/.docker", "/home/u/.netrc", "/home/u/.sesame", "/run"}) {
    EXPECT_TRUE(Has(p.filesystem.deny_read, d)) << d;
  }
  for (const char* n : {".git/hooks", ".git/config", ".bashrc", ".envrc", ".claude", ".vscode"}) {
    EXPECT_TRUE(Has(p.filesystem.protected_names, n)) << n;
  }
  EXPECT_TRUE(p.network.allowed_domains.empty());
}

TEST_F(PolicyTest, AgentPresetAdminAndSpecDomainsCombineAndDenyIsKept) {
  spec_.agent = "Claude";
  spec_.security.network.allowed_domains = {"Registry.npmjs.org", "*.github.com"};
  spec_.security.network.denied_domains = {"gist.github.com"};
  admin_.allowed_domains = {"pypi.org"};
  admin_.denied_domains = {"evil.com"};
  SandboxPolicy p = Compute();
  for (const char* d : {"api.anthropic.com", "pypi.org", "registry.npmjs.org", "*.github.com"}) {
    EXPECT_TRUE(Has(p.network.allowed_domains, d)) << d;
  }
  EXPECT_TRUE(Has(p.network.denied_domains, "gist.github.com"));
  EXPECT_TRUE(Has(p.network.denied_domains, "evil.com"));
  spec_.agent = "codex";
  EXPECT_TRUE(Has(Compute().network.allowed_domains, "api.openai.com"));
  spec_.agent = "gemini";
  EXPECT_TRUE(Has(Compute().network.allowed_domains, "generativelanguage.googleapis.com"));
}

TEST_F(PolicyTest, SpecRulesAreNormalizedAndDenyWins) {
  spec_.security.filesystem.allow_write = {"build", "~/cache", "/home/u/.ssh/keys", "/", "/srv/../srv/data/"};
  spec_.security.filesystem.deny_read = {"secrets/"};
  spec_.security.filesystem.deny_write = {"./locked"};
  admin_.deny_read = {"/etc/company"};
  SandboxPolicy p = Compute();
  EXPECT_TRUE(Has(p.filesystem.allow_write, "/work/ws/build"));
  EXPECT_TRUE(Has(p.filesystem.allow_write, "/home/u/cache"));
  EXPECT_TRUE(Has(p.filesystem.allow_write, "/srv/data"));
  EXPECT_FALSE(Has(p.filesystem.allow_write, "/home/u/.ssh/keys"));  // inside a denied path
  EXPECT_FALSE(Has(p.filesystem.allow_write, "/"));
  EXPECT_TRUE(Has(p.filesystem.deny_read, "/work/ws/secrets"));
  EXPECT_TRUE(Has(p.filesystem.deny_read, "/etc/company"));
  EXPECT_TRUE(Has(p.filesystem.deny_write, "/work/ws/locked"));
}

TEST_F(PolicyTest, AdminOrSpecCanTurnItOff) {
  admin_.enabled = false;
  SandboxPolicy p = Compute();
  EXPECT_FALSE(p.enabled);
  EXPECT_EQ(p.disabled_reason, "DisabledByAdmin");
  admin_.enabled = true;
  spec_.security.enabled = false;
  EXPECT_EQ(Compute().disabled_reason, "DisabledBySpec");
  spec_.security.enabled = true;
  EXPECT_TRUE(Compute().enabled);
}

TEST_F(PolicyTest, EncodesAndDecodes) {
  spec_.agent = "claude";
  spec_.ports = {3000};
  SandboxPolicy p = Compute();
  auto back = DecodePolicy(EncodePolicy(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
  EXPECT_FALSE(DecodePolicy("{").ok());
}

TEST(PolicyPathTest, NormalizeAndWithin) {
  EXPECT_EQ(NormalizePath("~/.ssh/", "/home/u", "/w"), "/home/u/.ssh");
  EXPECT_EQ(NormalizePath("a/../b", "/home/u", "/w"), "/w/b");
  EXPECT_TRUE(PathWithin("/a/b", "/a"));
  EXPECT_TRUE(PathWithin("/a", "/a"));
  EXPECT_FALSE(PathWithin("/ab", "/a"));
  EXPECT_TRUE(PathWithin("/x", "/"));
}

}  // namespace
}  // namespace sesame::security
