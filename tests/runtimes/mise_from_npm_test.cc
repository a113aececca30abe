// A filesystem sandbox that needs mise where none is installed: its
// supervisor installs mise from the npm package @jdxcode/mise into the
// sandbox's home (providers/filesystem/runtime_install.h) and carries out
// the plan with it. The registry is a fake on 127.0.0.1 (cpp-httplib) that
// serves a packument and a tarball built here: a package whose bin/mise is
// a shell script that notes each call in the log and hands it to this
// machine's mise by its absolute path, so that the plan really runs (the
// .nvmrc names this machine's node, linked into the sandbox's mise; no
// other network). mise is hidden from the provider by a configured path
// that does not exist. Secured (when the kernel can sandbox) and not.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "providers/filesystem/runtime_install.h"
#include "tests/runtimes/sandbox_fixture.h"

namespace sesame::runtimes {
namespace {

namespace fs = std::filesystem;
using providers::Observed;

// An npm registry on loopback address `host` with one package,
// @jdxcode/mise, or (with_package false) none at all.
class FakeRegistry {
 public:
  FakeRegistry(std::string host, std::string tarball, bool with_package)
      : host_(std::move(host)), tarball_(std::move(tarball)) {
    port_ = server_.bind_to_any_port(host_);
    // npm asks for a scoped package as /@scope%2fname.
    server_.Get(R"(/@jdxcode(%2[fF]|/)mise)",
                [this, with_package](const httplib::Request&, httplib::Response& res) {
                  ++packument_requests_;
                  if (!with_package) {
                    res.status = 404;
                    res.set_content(R"({"error":"Not found"})", "application/json");
                    return;
                  }
                  std::string version = "2026.9.15";
                  std::string body = R"({"name":"@jdxcode/mise","dist-tags":{"latest":")" +
                                     version + R"("},"versions":{")" + version +
                                     R"(":{"name":"@jdxcode/mise","version":")" + version +
                                     R"(","bin":{"mise":"bin/mise"},"dist":{"tarball":")" + url() +
                                     R"(tarballs/mise.tgz"}}}})";
                  res.set_content(body, "application/json");
                });
    server_.Get("/tarballs/mise.tgz", [this](const httplib::Request&, httplib::Response& res) {
      ++tarball_requests_;
      res.set_content(tarball_, "application/octet-stream");
    });
    // Bound and listening already: early connections wait in the backlog.
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeRegistry() {
    server_.stop();
    thread_.join();
  }

  std::string address() const { return host_ + ":" + std::to_string(port_); }
  std::string url() const { return "http://" + address() + "/"; }
  int packument_requests() const { return packument_requests_; }
  int tarball_requests() const { return tarball_requests_; }

 private:
  std::string host_;
  std::string tarball_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> packument_requests_{0}, tarball_requests_{0};
};

class MiseFromNpmTest : public RuntimesSandboxFixture {
 protected:
  void SetUp() override {
    real_mise_ = RealPath(Capture("command -v mise"));
    if (Capture("command -v npm").empty()) GTEST_FAIL() << "needs npm";
    // mise is hidden from the provider: it installs it from npm.
    SetUpSandboxes("mise_npm_test", "/var/empty/no-mise-here/mise");
  }

  // The package's tarball: package.json and a bin/mise that notes its
  // arguments on stderr, then runs this machine's mise.
  std::string PackMise() {
    std::string pkg = base_ + "/pkg/package";
    fs::create_directories(pkg + "/bin");
    std::ofstream(pkg + "/package.json")
        << R"({"name":"@jdxcode/mise","version":"2026.9.15","bin":{"mise":"bin/mise"}})";
    std::ofstream(pkg + "/bin/mise")
        << "#!/bin/sh\necho \"mise-from-npm $*\" >&2\nexec " << real_mise_ << " \"$@\"\n";
    fs::permissions(pkg + "/bin/mise", static_cast<fs::perms>(0755));
    std::string tgz = base_ + "/mise.tgz";
    std::string cmd = "tar -C " + base_ + "/pkg -czf " + tgz + " package";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return ReadText(tgz);
  }

  // A request whose npm uses `registry`. Secured, the registry is reached
  // through the sandbox's proxy, which refuses loopback unless it is
  // allowed by address.
  providers::SandboxRequest RequestWith(const std::string& uid, const std::string& workspace,
                                        std::vector<std::string> command,
                                        const FakeRegistry& registry) {
    providers::SandboxRequest r = Request(uid, workspace, std::move(command));
    r.env = {{"npm_config_registry", registry.url()}, {"npm_config_update_notifier", "false"}};
    if (GetParam()) {
      r.spec.security.network.allowed_domains = {registry.address()};
      r.policy = PolicyFor(r.spec, workspace);
    }
    return r;
  }

  // Where the fake registry listens. A secured sandbox names 127.0.0.1 in
  // NO_PROXY (its own loopback), and npm's HTTP agent honours NO_PROXY
  // from the environment whatever its noproxy setting says; so there the
  // registry is on another loopback address, reached through the proxy.
  std::string RegistryHost() const { return GetParam() ? "127.0.0.2" : "127.0.0.1"; }

  std::string real_mise_;
};

TEST_P(MiseFromNpmTest, InstallsMiseFromTheRegistryAndRunsThePlanWithIt) {
  FakeRegistry registry(RegistryHost(), PackMise(), /*with_package=*/true);
  std::string ws = Workspace("npm-mise");
  std::string version = LinkNode("npm-mise-box", real_mise_);
  std::ofstream(ws + "/.nvmrc") << version << "\n";
  providers::SandboxRequest r =
      RequestWith("npm-mise-box", ws, {"sh", "-c", "echo node=$(node --version)"}, registry);
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o = WaitExited("npm-mise-box");
  std::string log = Log("npm-mise-box");
  EXPECT_EQ(o.exit_code, 0) << o.message << "\n" << log;
  EXPECT_NE(log.find("runtimes: npm install @jdxcode/mise"), std::string::npos) << log;
  EXPECT_EQ(registry.tarball_requests(), 1);
  // The mise from the package installed the tools and runs the session.
  EXPECT_NE(log.find("mise-from-npm install"), std::string::npos) << log;
  EXPECT_NE(log.find("mise-from-npm exec -- sh -c"), std::string::npos) << log;
  EXPECT_NE(log.find("node=" + version), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(StateDir("npm-mise-box") + "/home" +
                         providers::filesystem::kNpmMisePrefix + "/node_modules/.bin/mise"));
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Ready") << o.runtime->message;
  specs::Condition c = RuntimeReady(o);
  EXPECT_EQ(c.status, "True");
  EXPECT_EQ(c.reason, "Ready");

  // A restart uses the installed copy: the registry is not asked again.
  size_t before = log.size();
  ASSERT_TRUE(provider_->Restart(o, r).ok());
  o = WaitExited("npm-mise-box");
  std::string again = Log("npm-mise-box").substr(before);
  EXPECT_EQ(o.exit_code, 0) << again;
  EXPECT_EQ(again.find("npm install @jdxcode/mise"), std::string::npos) << again;
  EXPECT_NE(again.find("mise-from-npm exec"), std::string::npos) << again;
  EXPECT_EQ(registry.tarball_requests(), 1);
}

TEST_P(MiseFromNpmTest, RegistryWithoutThePackageFailsWithMiseMissing) {
  FakeRegistry registry(RegistryHost(), "", /*with_package=*/false);
  std::string ws = Workspace("npm-404");
  std::ofstream(ws + "/.tool-versions") << "node 20\n";
  ASSERT_NO_FATAL_FAILURE(Create(RequestWith("npm-404-box", ws, {"echo", "never-runs"}, registry)));
  Observed o = WaitExited("npm-404-box");
  std::string log = Log("npm-404-box");
  EXPECT_NE(o.exit_code, 0) << log;
  EXPECT_EQ(log.find("never-runs"), std::string::npos) << log;
  EXPECT_GE(registry.packument_requests(), 1);
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Failed");
  specs::Condition c = RuntimeReady(o);
  EXPECT_EQ(c.status, "False");
  EXPECT_EQ(c.reason, "MiseMissing");
  EXPECT_NE(c.message.find("npm install @jdxcode/mise failed: exited with code"), std::string::npos)
      << c.message;
  EXPECT_NE(c.message.find("404"), std::string::npos) << c.message;
}

INSTANTIATE_TEST_SUITE_P(SecuredAndNot, MiseFromNpmTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Secured" : "Unsecured"; });

}  // namespace
}  // namespace sesame::runtimes
