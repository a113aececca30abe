// Sandboxes of the filesystem provider with runtimes.mise: auto, against
// the real mise (npm install -g @jdxcode/mise) and the Node.js of this
// machine, secured (when the kernel can sandbox) and unsecured. No network
// is needed: the .nvmrc names the node already installed, which the test
// links into the sandbox's own mise, and the lockfiles have no
// dependencies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/runtimes/sandbox_fixture.h"

namespace sesame::runtimes {
namespace {

namespace fs = std::filesystem;
using providers::Observed;

class RuntimesSandboxTest : public RuntimesSandboxFixture {
 protected:
  void SetUp() override { SetUpSandboxes("runtimes_test"); }
};

TEST_P(RuntimesSandboxTest, NodeFromNvmrcRunsThroughMise) {
  std::string ws = Workspace("node");
  std::string version = LinkNode("node-box");
  std::ofstream(ws + "/.nvmrc") << "# the machine's node\n" << version << "\n";
  ASSERT_NO_FATAL_FAILURE(
      Create(Request("node-box", ws, {"sh", "-c", "echo node=$(node --version) data=$MISE_DATA_DIR"})));
  Observed o = WaitExited("node-box");
  std::string log = Log("node-box");
  EXPECT_EQ(o.exit_code, 0) << o.message << "\n" << log;
  EXPECT_NE(log.find("node=" + version), std::string::npos) << log;
  EXPECT_NE(log.find("runtimes: mise install"), std::string::npos) << log;
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Ready");
  EXPECT_NE(o.runtime->message.find("node " + version.substr(1)), std::string::npos);
}

TEST_P(RuntimesSandboxTest, NpmCiCreatesNodeModulesOnceThenSkipsOnRestart) {
  std::string ws = Workspace("npm");
  std::string version = LinkNode("npm-box");
  std::ofstream(ws + "/.nvmrc") << version << "\n";
  // A dependency on a package of the workspace itself: npm ci makes
  // node_modules without the network.
  fs::create_directories(ws + "/hello");
  std::ofstream(ws + "/hello/package.json") << R"({"name":"hello","version":"1.0.0"})";
  std::ofstream(ws + "/package.json")
      << R"({"name":"app","version":"1.0.0","dependencies":{"hello":"file:./hello"}})";
  std::ofstream(ws + "/package-lock.json")
      << R"({"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{)"
      << R"("":{"name":"app","version":"1.0.0","dependencies":{"hello":"file:./hello"}},)"
      << R"("hello":{"version":"1.0.0"},"node_modules/hello":{"resolved":"hello","link":true}}})";
  providers::SandboxRequest r =
      Request("npm-box", ws, {"sh", "-c", "cat node_modules/hello/package.json"});
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o = WaitExited("npm-box");
  std::string log = Log("npm-box");
  EXPECT_EQ(o.exit_code, 0) << o.message << "\n" << log;
  EXPECT_TRUE(fs::is_directory(ws + "/node_modules")) << log;
  EXPECT_NE(log.find(R"("name":"hello")"), std::string::npos) << log;
  EXPECT_NE(log.find("runtimes: npm ci (in .)"), std::string::npos) << log;
  auto state = providers::filesystem::LoadState(StateDir("npm-box"));
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->installed_lock_hash.empty());

  // Restarted with the same lockfile: neither mise install nor npm ci again.
  ASSERT_TRUE(provider_->Restart(o, r).ok());
  o = WaitExited("npm-box");
  std::string again = Log("npm-box").substr(log.size());
  EXPECT_EQ(o.exit_code, 0) << again;
  EXPECT_EQ(again.find("runtimes: npm ci"), std::string::npos) << again;
  EXPECT_EQ(again.find("runtimes: mise install"), std::string::npos) << again;
  EXPECT_NE(o.runtime->message.find("up to date"), std::string::npos) << o.runtime->message;
}

TEST_P(RuntimesSandboxTest, BrokenLockfileFailsWithTheNpmError) {
  std::string ws = Workspace("broken");
  std::ofstream(ws + "/package.json") << R"({"name":"app","version":"1.0.0"})";
  std::ofstream(ws + "/package-lock.json") << "{ this is not json";
  ASSERT_NO_FATAL_FAILURE(Create(Request("broken-box", ws, {"true"})));
  Observed o = WaitExited("broken-box");
  EXPECT_NE(o.exit_code, 0);
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Failed");
  EXPECT_NE(o.runtime->message.find("npm ci (in .) failed"), std::string::npos) << o.runtime->message;
  EXPECT_NE(o.runtime->message.find("npm error"), std::string::npos) << o.runtime->message;

  // As the controller shows it.
  std::string phase;
  specs::Condition c = RuntimeReady(o, &phase);
  EXPECT_EQ(c.status, "False");
  EXPECT_EQ(c.reason, "Failed");
  EXPECT_NE(c.message.find("npm error"), std::string::npos) << c.message;
  EXPECT_EQ(phase, "Failed");
}

TEST_P(RuntimesSandboxTest, TwoSandboxesNeverShareAMiseDirectory) {
  std::vector<std::string> dirs;
  for (std::string uid : {"share-a", "share-b"}) {
    std::string ws = Workspace(uid);
    std::ofstream(ws + "/mise.toml") << "[env]\nGREETING = \"hello\"\n";
    ASSERT_NO_FATAL_FAILURE(Create(Request(
        uid, ws, {"sh", "-c", "echo greeting=$GREETING data=$MISE_DATA_DIR cache=$MISE_CACHE_DIR"})));
  }
  for (std::string uid : {"share-a", "share-b"}) {
    Observed o = WaitExited(uid);
    std::string log = Log(uid);
    EXPECT_EQ(o.exit_code, 0) << log;
    EXPECT_NE(log.find("greeting=hello"), std::string::npos) << log;
    size_t at = log.find("data=");
    ASSERT_NE(at, std::string::npos) << log;
    dirs.push_back(log.substr(at, log.find(' ', at) - at));
    // The sandbox's mise made its directories in its own state directory.
    EXPECT_TRUE(fs::exists(StateDir(uid) + "/home/.local/state/mise") ||
                fs::exists(StateDir(uid) + "/home/.local/share/mise"))
        << uid;
  }
  ASSERT_EQ(dirs.size(), 2u);
  if (!GetParam()) EXPECT_NE(dirs[0], dirs[1]);  // secured: the same path, different mounts
}

INSTANTIATE_TEST_SUITE_P(SecuredAndNot, RuntimesSandboxTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Secured" : "Unsecured"; });

}  // namespace
}  // namespace sesame::runtimes
