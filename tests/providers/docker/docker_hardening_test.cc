// Hardened docker sandboxes as pure rules (hardening.h): the create-body
// changes, the start gate, the image's home and the security report.

#include "providers/docker/hardening.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "providers/docker/container_config.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

SandboxRequest HardenedRequest() {
  SandboxRequest r;
  r.key = {"Sandbox", "team-a", "agent"};
  r.uid = "0123456789abcdef";
  r.spec.image = "img:1";
  r.spec.command = {"claude", "-p", "fix it"};
  r.spec.ports = {3000};
  r.workspace_dir = "/home/me/repo";
  r.env = {{"A", "b"}};
  r.policy.enabled = true;
  r.policy.network.allowed_domains = {"api.anthropic.com"};
  return r;
}

CreateParams Params() {
  CreateParams params;
  params.image = "img:1";
  params.volume_mount_path = "/home/sesame";
  return params;
}

bool Has(const json& array, const std::string& value) {
  return std::find(array.begin(), array.end(), json(value)) != array.end();
}

TEST(HardeningTest, HardenedBodyHasReadOnlyRootNoCapabilitiesAndNoNetwork) {
  SandboxRequest r = HardenedRequest();
  json body = CreateBody(r, Params());
  ApplySecurity(body, r.policy, Hardening{"/state/sandboxes/u/gate", {"/root", "mode=0700"}});
  const json& h = body["HostConfig"];
  EXPECT_TRUE(h["ReadonlyRootfs"].get<bool>());
  EXPECT_EQ(h["CapDrop"], json({"ALL"}));
  EXPECT_FALSE(h.contains("CapAdd"));
  EXPECT_EQ(h["SecurityOpt"], json({"no-new-privileges"}));
  EXPECT_EQ(h["NetworkMode"], "none");
  EXPECT_FALSE(h.contains("PortBindings"));  // forwarded by the guard instead
  EXPECT_TRUE(h["Init"].get<bool>());
  EXPECT_EQ(h["Tmpfs"]["/tmp"], "rw,nosuid,nodev,mode=1777");
  EXPECT_EQ(h["Tmpfs"]["/root"], "rw,nosuid,nodev,mode=0700");
  EXPECT_TRUE(Has(h["Binds"], "/home/me/repo:/workspace"));  // the workspace stays writable
  EXPECT_TRUE(Has(h["Binds"], "/state/sandboxes/u/gate:/.sesame:ro"));
  EXPECT_EQ(body["Labels"][kSecurityLabel], "Enforced");

  const json& env = body["Env"];
  EXPECT_TRUE(Has(env, "A=b"));
  for (const char* var : {"HTTP_PROXY=http://127.0.0.1:3128", "HTTPS_PROXY=http://127.0.0.1:3128",
                          "http_proxy=http://127.0.0.1:3128", "https_proxy=http://127.0.0.1:3128",
                          "ALL_PROXY=socks5h://127.0.0.1:1080", "all_proxy=socks5h://127.0.0.1:1080",
                          "NO_PROXY=localhost,127.0.0.1,::1", "no_proxy=localhost,127.0.0.1,::1",
                          "HOME=/root"}) {
    EXPECT_TRUE(Has(env, var)) << var << " in " << env.dump();
  }
}

TEST(HardeningTest, GateRunsFirstAndKeepsAnyEntrypoint) {
  json wrapped = json({"/bin/sh", "/var/lib/sesame/bin/run.sh", "claude"});
  json gated = GatedEntrypoint(wrapped);
  ASSERT_EQ(gated.size(), 7u);
  EXPECT_EQ(gated[0], "/bin/sh");
  EXPECT_EQ(gated[1], "-c");
  EXPECT_EQ(gated[2], "read _ < /.sesame/gate && exec \"$@\"");
  EXPECT_EQ(gated[3], "sesame-gate");  // $0
  EXPECT_EQ(json(std::vector<json>(gated.begin() + 4, gated.end())), wrapped);

  SandboxRequest r = HardenedRequest();
  json body = CreateBody(r, Params());
  json entrypoint = body["Entrypoint"];
  ApplySecurity(body, r.policy, Hardening{"/g", {}});
  EXPECT_EQ(body["Entrypoint"], GatedEntrypoint(entrypoint));
}

TEST(HardeningTest, PersistenceVolumeAtHomeReplacesTheTmpfs) {
  SandboxRequest r = HardenedRequest();
  r.spec.persistence.volume = "cache";
  json body = CreateBody(r, Params());
  ApplySecurity(body, r.policy, Hardening{"/g", {"/home/sesame", "mode=1777"}});
  EXPECT_FALSE(body["HostConfig"]["Tmpfs"].contains("/home/sesame"));
  EXPECT_TRUE(body["HostConfig"]["Tmpfs"].contains("/tmp"));
}

TEST(HardeningTest, DisabledPolicyOnlyLabels) {
  SandboxRequest r = HardenedRequest();
  r.policy.enabled = false;
  r.policy.disabled_reason = "DisabledByAdmin";
  json plain = CreateBody(r, Params());
  json body = plain;
  ApplySecurity(body, r.policy, Hardening{"/g", {"/root", ""}});
  EXPECT_EQ(body["Labels"][kSecurityLabel], "DisabledByAdmin");
  body["Labels"].erase(kSecurityLabel);
  EXPECT_EQ(body, plain);

  r.policy.disabled_reason.clear();  // no decision at all
  body = plain;
  ApplySecurity(body, r.policy, Hardening{});
  EXPECT_EQ(body, plain);
}

TEST(HardeningTest, SecurityReportFromLabels) {
  EXPECT_FALSE(SecurityFromLabels(json::object()).has_value());
  auto enforced = SecurityFromLabels({{kSecurityLabel, "Enforced"}});
  ASSERT_TRUE(enforced.has_value());
  EXPECT_TRUE(enforced->enforced);
  EXPECT_EQ(enforced->reason, "Enforced");
  auto admin = SecurityFromLabels({{kSecurityLabel, "DisabledByAdmin"}});
  ASSERT_TRUE(admin.has_value());
  EXPECT_FALSE(admin->enforced);
  EXPECT_EQ(admin->reason, "DisabledByAdmin");
  EXPECT_NE(admin->message.find("administrator"), std::string::npos);
  auto spec = SecurityFromLabels({{kSecurityLabel, "DisabledBySpec"}});
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->reason, "DisabledBySpec");
  EXPECT_TRUE(IsHardened({{kSecurityLabel, "Enforced"}}));
  EXPECT_FALSE(IsHardened({{kSecurityLabel, "DisabledBySpec"}}));
}

TEST(HardeningTest, HomeOfImage) {
  json root = {{"Config", {{"User", ""}, {"Env", {"PATH=/bin"}}}}};
  EXPECT_EQ(HomeOfImage(root).path, "/root");
  EXPECT_EQ(HomeOfImage(root).tmpfs_options, "mode=0700");
  json numeric = {{"Config", {{"User", "1000:1001"}, {"Env", {"HOME=/home/dev"}}}}};
  EXPECT_EQ(HomeOfImage(numeric).path, "/home/dev");
  EXPECT_EQ(HomeOfImage(numeric).tmpfs_options, "mode=0700,uid=1000,gid=1001");
  json named = {{"Config", {{"User", "sesame"}, {"Env", {"HOME=/home/sesame"}}}}};
  EXPECT_EQ(HomeOfImage(named).path, "/home/sesame");
  EXPECT_EQ(HomeOfImage(named).tmpfs_options, "mode=1777");
  json unknown = {{"Config", {{"User", "sesame"}}}};
  EXPECT_EQ(HomeOfImage(unknown).path, "");
  EXPECT_EQ(HomeOfImage(json::object()).path, "/root");
}

}  // namespace
}  // namespace sesame::providers::docker
