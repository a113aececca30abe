// The default image, sesame-sandbox:latest (scripts/build-image), through
// the `sesame` binary and a running controller: a docker sandbox without
// `image` runs on it; mise, the runtimes and the agent CLIs run inside it
// (hardened: docker_default_image_test.cc); a workspace's .nvmrc selects
// the image's Node.js; and runtimes.mise: auto installs a Node workspace's
// lockfile inside it with `npm ci`, offline, from an npm cache that host
// npm filled from a local registry (a test server on 127.0.0.1 that is
// stopped before the sandbox starts, so any network use would fail).
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/providers/docker/default_image_tools.h"
#include "tests/providers/docker/docker_cli_fixture.h"

namespace sesame::providers::docker::testing {
namespace {

using sesame::testing::CommandResult;
using sesame::testing::RunCommand;

class DockerDefaultImageCliTest : public DockerCliTest {
 protected:
  void SetUp() override {
    DockerCliTest::SetUp();
    CommandResult image = Docker({"image", "inspect", "-f", "{{.Id}}", kDefaultImage});
    ASSERT_EQ(image.exit_code, 0) << kDefaultImage
                                  << " is missing: scripts/build-image builds it (scripts/test does)";
  }

  // A sandbox without `image`, unhardened, that idles.
  void ApplyIdle(const std::string& name, const std::string& extra = "") {
    Apply(DockerSandbox(name, "  security: {enabled: false}\n" + extra));
    WaitReady(name);
  }

  void ExpectToolsRun(const std::string& name) {
    for (const auto& [command, expected] : DefaultImageTools()) {
      CommandResult r = Sesame({"exec", name, "--", "sh", "-c", command + " 2>&1"});
      EXPECT_EQ(r.exit_code, 0) << command << ": " << r.out << r.err;
      EXPECT_NE(r.out.find(expected), std::string::npos) << command << ": " << r.out << r.err;
    }
  }
};

TEST_F(DockerDefaultImageCliTest, SandboxWithoutImageRunsOnTheDefaultImage) {
  ApplyIdle("plain");
  std::string id = ContainerId("plain");
  EXPECT_EQ(Docker({"inspect", "-f", "{{.Config.Image}}", id}).out, std::string(kDefaultImage) + "\n");
  EXPECT_EQ(Sesame({"exec", "plain", "--", "id", "-un"}).out, "sesame\n");
  EXPECT_EQ(Sesame({"exec", "plain", "--", "pwd"}).out, "/workspace\n");
  // No passwordless sudo: there is no sudo at all.
  EXPECT_NE(Sesame({"exec", "plain", "--", "sh", "-c", "command -v sudo"}).exit_code, 0);
  ExpectToolsRun("plain");
}

// Security on (the default) with `sesame apply`: the same tools run in a
// hardened container (read-only root, no capabilities, no network).
TEST_F(DockerDefaultImageCliTest, HardenedSandboxWithoutImageRunsTheTools) {
  Apply(DockerSandbox("hard", "  agent: claude\n"));
  WaitReady("hard");
  std::string id = ContainerId("hard");
  EXPECT_EQ(Docker({"inspect", "-f", "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.NetworkMode}}", id}).out,
            "true [ALL] none\n");
  CommandResult got = Sesame({"get", "sandbox", "hard", "-o", "json"});
  std::string enforced;
  const nlohmann::json sandbox = nlohmann::json::parse(got.out);
  for (const auto& c : sandbox["status"]["conditions"]) {
    if (c.value("type", "") == "SecurityEnforced") enforced = c.value("status", "");
  }
  EXPECT_EQ(enforced, "True") << got.out;
  ExpectToolsRun("hard");
}

TEST_F(DockerDefaultImageCliTest, WorkspaceNodeVersionSelectsTheImageNode) {
  std::string ws = dir_.Write("nvm/.nvmrc", "22\n");
  ws = std::filesystem::path(ws).parent_path().string();
  ApplyIdle("nvm", "  workspace: {path: " + ws + "}\n");
  CommandResult r = Sesame({"exec", "nvm", "--", "sh", "-c", "mise ls --current node 2>&1; node --version"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("/workspace/.nvmrc"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("v22."), std::string::npos) << r.out;
}

// A one-package npm registry on 127.0.0.1: the packument of tiny-dep and
// its tarball.
class LocalRegistry {
 public:
  LocalRegistry(const std::string& tarball, const std::string& integrity) : tarball_(tarball) {
    port_ = server_.bind_to_any_port("127.0.0.1");
    std::string url = "http://127.0.0.1:" + std::to_string(port_) + "/";
    packument_ = nlohmann::json{
        {"name", "tiny-dep"},
        {"dist-tags", {{"latest", "1.0.0"}}},
        {"versions",
         {{"1.0.0",
           {{"name", "tiny-dep"},
            {"version", "1.0.0"},
            {"main", "index.js"},
            {"dist", {{"tarball", url + "tiny-dep/-/tiny-dep-1.0.0.tgz"}, {"integrity", integrity}}}}}}}}
                     .dump();
    server_.Get("/tiny-dep", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(packument_, "application/json");
    });
    server_.Get("/tiny-dep/-/tiny-dep-1.0.0.tgz", [this](const httplib::Request&, httplib::Response& res) {
      ++tarballs_served_;
      res.set_content(tarball_, "application/octet-stream");
    });
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~LocalRegistry() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  int tarballs_served() const { return tarballs_served_; }

 private:
  std::string tarball_, packument_;
  httplib::Server server_;
  int port_ = 0;
  std::atomic<int> tarballs_served_{0};
  std::thread thread_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(DockerDefaultImageCliTest, NodeWorkspaceLockfileInstallsOfflineInside) {
  // The dependency, packed by host npm.
  std::string pkg = dir_.Write("tiny-dep/package.json",
                               R"({"name":"tiny-dep","version":"1.0.0","main":"index.js"})");
  pkg = std::filesystem::path(pkg).parent_path().string();
  dir_.Write("tiny-dep/index.js", "module.exports = 'tiny-dep works';\n");
  // This machine's npm configuration stays out of it.
  std::string user_rc = dir_.Write("user.npmrc", "");
  std::string global_rc = dir_.Write("global.npmrc", "");
  std::vector<std::string> npm = {"npm", "--userconfig", user_rc, "--globalconfig", global_rc,
                                  "--no-audit", "--no-fund", "--no-update-notifier"};
  auto run_npm = [&](const std::string& dir, std::vector<std::string> args) {
    std::vector<std::string> argv = {"sh", "-c", "cd \"$0\" && exec \"$@\"", dir};
    argv.insert(argv.end(), npm.begin(), npm.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  };
  CommandResult packed = run_npm(pkg, {"pack", "--json", "--pack-destination", dir_.path()});
  ASSERT_EQ(packed.exit_code, 0) << packed.err;
  nlohmann::json pack = nlohmann::json::parse(packed.out)[0];
  std::string tarball = ReadAll(dir_.path() + "/" + pack.value("filename", ""));

  // The app's lockfile and the npm cache, made on the host against the
  // local registry, which then goes away.
  std::string prep = dir_.Write("prep/package.json",
                                R"({"name":"app","version":"1.0.0","dependencies":{"tiny-dep":"1.0.0"}})");
  prep = std::filesystem::path(prep).parent_path().string();
  std::string ws = dir_.path() + "/app";
  std::filesystem::create_directories(ws);
  int served = 0;
  std::string registry_url;
  {
    LocalRegistry registry(tarball, pack.value("integrity", ""));
    registry_url = registry.url();
    CommandResult lock = run_npm(prep, {"install", "--registry", registry_url, "--cache",
                                        ws + "/.npm-cache", "--ignore-scripts"});
    ASSERT_EQ(lock.exit_code, 0) << lock.out << lock.err;
    served = registry.tarballs_served();
  }
  ASSERT_EQ(served, 1);
  std::filesystem::copy_file(prep + "/package.json", ws + "/package.json");
  std::filesystem::copy_file(prep + "/package-lock.json", ws + "/package-lock.json");
  // In the container: the same registry (now gone) and the cache, offline.
  dir_.Write("app/.npmrc", "registry=" + registry_url + "\ncache=/workspace/.npm-cache\noffline=true\n");
  ASSERT_EQ(RunCommand({"chown", "-R", "1000:1000", ws}).exit_code, 0);

  Apply(DockerSandbox("app", "  security: {enabled: false}\n  workspace: {path: " + ws +
                                 "}\n  runtimes: {mise: auto}\n"));
  WaitReady("app");
  nlohmann::json runtime = Condition("app", "RuntimeReady");
  ASSERT_FALSE(runtime.is_null());
  EXPECT_EQ(runtime.value("status", ""), "True") << runtime.dump();
  CommandResult logs = Sesame({"logs", "app"});
  EXPECT_NE((logs.out + logs.err).find("sesame: runtimes: npm ci (in .)"), std::string::npos)
      << logs.out << logs.err;
  EXPECT_NE(logs.out.find("added 1 package"), std::string::npos) << logs.out << logs.err;
  CommandResult r = Sesame({"exec", "app", "--", "node", "-p", "require('tiny-dep')"});
  EXPECT_EQ(r.out, "tiny-dep works\n") << r.err << logs.out;
  EXPECT_TRUE(std::filesystem::exists(ws + "/node_modules/tiny-dep/index.js"));
}

}  // namespace
}  // namespace sesame::providers::docker::testing
