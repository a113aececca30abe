// Hardened docker sandboxes against a real engine: the container's
// lock-down, egress only through the egress guard's filtering proxy, its
// violations, the guard across a controller restart and a container
// restart, forwarded spec.ports, and dynamic previews.

#include <signal.h>

#include <gtest/gtest.h>

#include "providers/docker/guard_files.h"
#include "tests/providers/docker/engine_fixture.h"
#include "tests/providers/docker/net_helpers.h"

namespace sesame::providers::docker::testing {
namespace {

using nlohmann::json;

class DockerSecurityTest : public EngineTest {
 protected:
  // An HTTP/1.0 GET of `url` sent from inside the sandbox to its HTTP
  // proxy, as a proxied client sends it (busybox nc; busybox wget crashes
  // with a proxy set). The whole response.
  std::string ProxyGet(const Observed& o, const std::string& url) {
    return ExecOut(o, "printf 'GET " + url + " HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 3128");
  }
  // Whether a direct TCP connection from inside the sandbox succeeds.
  bool DirectConnects(const Observed& o, const std::string& host, int port) {
    int code = -1;
    ExecOut(o, "echo | nc -w 3 " + host + " " + std::to_string(port) + " >/dev/null 2>&1", &code);
    return code == 0;
  }
  std::string UpstreamUrl(const LoopbackHttpServer& upstream) {
    return "http://127.0.0.1:" + std::to_string(upstream.port()) + "/";
  }
  GuardPaths Guard(const std::string& uid) { return GuardPathsFor(state_root_, uid); }
};

std::string HttpServerScript(int port, const std::string& body) {
  return "mkdir -p /tmp/www && echo " + body + " > /tmp/www/index.html && exec httpd -f -p " +
         std::to_string(port) + " -h /tmp/www";
}

TEST_F(DockerSecurityTest, HardenedContainerIsLockedDown) {
  SandboxRequest r = SecuredRequest("locked");
  Observed o = MustCreate(r);
  ASSERT_EQ(o.state, ResourceState::kRunning) << o.message;
  ASSERT_TRUE(o.security.has_value());
  EXPECT_TRUE(o.security->enforced);
  EXPECT_EQ(o.security->reason, "Enforced");

  json host = InspectRaw(o.id)["HostConfig"];
  EXPECT_TRUE(host["ReadonlyRootfs"].get<bool>());
  EXPECT_EQ(host["CapDrop"], json({"ALL"}));
  EXPECT_EQ(host["SecurityOpt"], json({"no-new-privileges"}));
  EXPECT_EQ(host["NetworkMode"], "none");
  EXPECT_TRUE(host["Tmpfs"].contains("/tmp"));
  EXPECT_TRUE(host["Init"].get<bool>());

  int code = 0;
  ExecOut(o, "echo x > /etc/sesame-probe", &code);
  EXPECT_NE(code, 0) << "the root filesystem is writable";
  EXPECT_EQ(ExecOut(o, "echo w > /workspace/w && echo t > /tmp/t && cat /workspace/w /tmp/t", &code), "w\nt\n");
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(std::filesystem::exists(r.workspace_dir + "/w"));
  EXPECT_EQ(ExecOut(o, "echo h > $HOME/h && cat $HOME/h", &code), "h\n");

  std::string env = ExecOut(o, "env");
  for (const char* var : {"HTTP_PROXY=http://127.0.0.1:3128", "HTTPS_PROXY=http://127.0.0.1:3128",
                          "http_proxy=http://127.0.0.1:3128", "https_proxy=http://127.0.0.1:3128",
                          "ALL_PROXY=socks5h://127.0.0.1:1080", "all_proxy=socks5h://127.0.0.1:1080",
                          "NO_PROXY=localhost,127.0.0.1,::1", "no_proxy=localhost,127.0.0.1,::1"}) {
    EXPECT_NE(env.find(var), std::string::npos) << var << " missing from\n" << env;
  }
  // Only a loopback interface; no capabilities; no new privileges.
  EXPECT_EQ(ExecOut(o, "sed 1,2d /proc/net/dev | cut -d: -f1 | tr -d ' '"), "lo\n");
  EXPECT_EQ(ExecOut(o, "grep CapEff /proc/self/status | cut -f2"), "0000000000000000\n");
  EXPECT_EQ(ExecOut(o, "grep NoNewPrivs /proc/self/status | cut -f2"), "1\n");
}

TEST_F(DockerSecurityTest, EgressOnlyThroughTheProxyAndRefusalsAreViolations) {
  LoopbackHttpServer upstream("hello-upstream");
  SandboxRequest r = SecuredRequest("egress", {}, {"127.0.0.1"});
  Observed o = MustCreate(r);
  EXPECT_FALSE(DirectConnects(o, "127.0.0.1", upstream.port())) << "reached the host's loopback";
  EXPECT_FALSE(DirectConnects(o, "1.1.1.1", 80)) << "a direct connection left the container";
  EXPECT_TRUE(ProxyGet(o, UpstreamUrl(upstream)).ends_with("\r\n\r\nhello-upstream"));

  std::string refused = ProxyGet(o, "http://blocked.example.com/");
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 403")) << refused;
  Result<std::vector<ViolationRecord>> violations = provider_->DrainViolations();
  ASSERT_TRUE(violations.ok()) << violations.status().ToString();
  bool found = false;
  for (const ViolationRecord& v : *violations) {
    if (v.uid != r.uid) continue;
    EXPECT_EQ(v.key, r.key);
    EXPECT_EQ(v.kind, "network");
    EXPECT_GT(v.seq, 0);
    found = found || v.target == "blocked.example.com:80";
  }
  EXPECT_TRUE(found) << "no violation for blocked.example.com";
  // Drained: not returned twice.
  Result<std::vector<ViolationRecord>> again = provider_->DrainViolations();
  ASSERT_TRUE(again.ok());
  for (const ViolationRecord& v : *again) EXPECT_NE(v.uid, r.uid);
}

TEST_F(DockerSecurityTest, GuardOutlivesTheControllerAndIsAdoptedWhenLost) {
  LoopbackHttpServer upstream("hello-again");
  SandboxRequest r = SecuredRequest("adopt", {}, {"127.0.0.1"});
  Observed o = MustCreate(r);
  std::optional<GuardState> first = ReadGuardState(Guard(r.uid));
  ASSERT_TRUE(first.has_value());

  // A controller restart: a new provider, the same guard keeps serving.
  provider_.reset();
  provider_ = NewDockerProvider(Options());
  EXPECT_TRUE(ProxyGet(o, UpstreamUrl(upstream)).ends_with("hello-again"));
  EXPECT_TRUE(GuardRunning(Guard(r.uid)));

  // The guard lost as well (killed): the next observe starts a new one.
  ASSERT_EQ(::kill(first->guard_pid, SIGKILL), 0);
  ASSERT_TRUE(WaitFor([&] { return !GuardRunning(Guard(r.uid)); }));
  provider_ = NewDockerProvider(Options());
  Observed again = MustObserve(r.uid);
  EXPECT_EQ(again.message.find("no egress"), std::string::npos) << again.message;
  std::optional<GuardState> second = ReadGuardState(Guard(r.uid));
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->guard_pid, first->guard_pid);
  EXPECT_TRUE(ProxyGet(o, UpstreamUrl(upstream)).ends_with("hello-again"));
}

TEST_F(DockerSecurityTest, RestartedContainerGetsANewGuard) {
  LoopbackHttpServer upstream("after-restart");
  SandboxRequest r = SecuredRequest("restart", {}, {"127.0.0.1"});
  Observed o = MustCreate(r);
  std::optional<GuardState> first = ReadGuardState(Guard(r.uid));
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(provider_->Restart(o, r).ok());
  std::optional<GuardState> second = ReadGuardState(Guard(r.uid));
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->container_pid, first->container_pid);
  EXPECT_TRUE(ProxyGet(o, UpstreamUrl(upstream)).ends_with("after-restart"));
}

TEST_F(DockerSecurityTest, SpecPortsAreForwardedFromTheHost) {
  SandboxRequest r = SecuredRequest("ports", {"sh", "-c", HttpServerScript(8080, "hello-hardened")});
  r.spec.ports = {8080};
  Observed o = MustCreate(r);
  ASSERT_EQ(o.endpoints.size(), 1u) << o.message;
  EXPECT_EQ(o.endpoints[0].port, 8080);
  ASSERT_TRUE(o.endpoints[0].url.starts_with("http://127.0.0.1:")) << o.endpoints[0].url;
  std::string response;
  EXPECT_TRUE(WaitFor([&] {
    response = HttpGetUrl(o.endpoints[0].url + "/");
    return response.find("hello-hardened") != std::string::npos;
  })) << response;
  EXPECT_EQ(MustObserve(r.uid).endpoints.size(), 1u);
}

TEST_F(DockerSecurityTest, SecurityOffIsReportedAndNotApplied) {
  SandboxRequest r = Request("admin-off");
  r.policy.disabled_reason = "DisabledByAdmin";
  Observed o = MustCreate(r);
  ASSERT_TRUE(o.security.has_value());
  EXPECT_FALSE(o.security->enforced);
  EXPECT_EQ(o.security->reason, "DisabledByAdmin");
  json host = InspectRaw(o.id)["HostConfig"];
  EXPECT_FALSE(host.value("ReadonlyRootfs", false));
  EXPECT_NE(host.value("NetworkMode", ""), "none");

  Observed plain = MustCreate(Request("no-decision"));
  EXPECT_FALSE(plain.security.has_value());
}

TEST_F(DockerSecurityTest, DynamicPreviewOfAPortOpenedLater) {
  for (bool secured : {false, true}) {
    SCOPED_TRACE(secured ? "secured" : "unsecured");
    std::vector<std::string> command = {"sh", "-c", HttpServerScript(9090, "dynamic-preview")};
    SandboxRequest r = secured ? SecuredRequest("dyn-secured", command)
                               : Request("dyn", command);
    Observed o = MustCreate(r);
    EXPECT_TRUE(o.endpoints.empty());
    Result<std::string> url = provider_->PreviewUrl(o, 9090);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    std::string response;
    EXPECT_TRUE(WaitFor([&] {
      response = HttpGetUrl(*url + "/");
      return response.find("dynamic-preview") != std::string::npos;
    })) << *url << ": " << response;
    Result<std::string> same = provider_->PreviewUrl(o, 9090);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(*same, *url);  // one forwarder per port
  }
}

}  // namespace
}  // namespace sesame::providers::docker::testing
