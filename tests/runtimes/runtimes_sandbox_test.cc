// Sandboxes of the filesystem provider with runtimes.mise: auto, against
// the real mise (npm install -g @jdxcode/mise) and the Node.js of this
// machine, secured (when the kernel can sandbox) and unsecured. No network
// is needed: the .nvmrc names the node already installed, which the test
// links into the sandbox's own mise, and the lockfiles have no
// dependencies.
#include <gtest/gtest.h>
#include <limits.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/state_file.h"
#include "reconcilers/plan.h"
#include "reconcilers/status.h"
#include "runtimes/install_steps.h"
#include "security/policy.h"
#include "security/probe.h"
#include "tests/runtimes/fixture.h"

namespace sesame::runtimes {
namespace {

namespace fs = std::filesystem;
using providers::Observed;
using providers::ResourceState;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// stdout of a shell command, trailing newline removed.
std::string Capture(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = ::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

bool HaveMiseAndNode() {
  return !Capture("command -v mise").empty() && !Capture("command -v node").empty();
}

class RuntimesSandboxTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (!HaveMiseAndNode()) GTEST_FAIL() << "needs mise (npm install -g @jdxcode/mise) and node";
    if (GetParam() && security::CachedProbe().backend == security::Backend::kNone) {
      GTEST_FAIL() << "cannot sandbox here: " << security::CachedProbe().problem;
    }
    char tmpl[] = "/var/tmp/runtimes_test.XXXXXX";
    base_ = ::mkdtemp(tmpl);
    // The sandbox's own uid (when run as root) walks to its workspace and home.
    fs::permissions(base_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::create_directories(base_ + "/home");
    providers::filesystem::FilesystemOptions options;
    options.state_root = base_ + "/sesame/run";
    options.supervisor_command = {SESAME_BINARY, "__supervise"};
    options.start_timeout = Millis(30000);
    state_root_ = options.state_root;
    provider_ = providers::filesystem::NewFilesystemProvider(options);
  }

  void TearDown() override {
    for (const Observed& o : created_) (void)provider_->Delete(o);
    if (!base_.empty()) fs::remove_all(base_);
  }

  std::string Workspace(const std::string& name) {
    std::string ws = base_ + "/work/" + name;
    fs::create_directories(ws);
    return ws;
  }

  providers::SandboxRequest Request(const std::string& uid, const std::string& workspace,
                                    std::vector<std::string> command) {
    providers::SandboxRequest r;
    r.key = {"Sandbox", "default", uid};
    r.uid = uid;
    r.spec.command = std::move(command);
    r.spec.runtimes.mise = "auto";
    r.spec.runtimes.install_dependencies = true;
    r.workspace_dir = workspace;
    if (GetParam()) {
      security::PolicyInput in;
      in.spec = &r.spec;
      in.workspace = workspace;
      in.home = base_ + "/home";
      in.sesame_home = base_ + "/sesame";
      r.policy = security::ComputePolicy(in);
    }
    return r;
  }

  std::string StateDir(const std::string& uid) const { return state_root_ + "/" + uid; }

  // Links this machine's node into the (not yet created) sandbox's mise.
  std::string LinkNode(const std::string& uid) {
    std::string version = Capture("node --version");  // v20.20.2
    char real[PATH_MAX];
    std::string node = Capture("command -v node");
    EXPECT_NE(::realpath(node.c_str(), real), nullptr);
    std::string prefix = fs::path(real).parent_path().parent_path();
    MiseLayout layout = MiseLayoutUnder(StateDir(uid) + "/home");
    std::string cmd = "MISE_DATA_DIR=" + layout.data_dir + " MISE_CACHE_DIR=" + layout.cache_dir +
                      " MISE_CONFIG_DIR=" + layout.config_dir + " MISE_STATE_DIR=" +
                      layout.state_dir + " MISE_YES=1 mise link node@" + version.substr(1) + " " +
                      prefix + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return version;
  }

  Observed Create(const providers::SandboxRequest& r) {
    auto created = provider_->Create(r);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return {};
    created_.push_back(*created);
    return *created;
  }

  // Waits until the session of `uid` has exited.
  Observed WaitExited(const std::string& uid, Millis timeout = Millis(120000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto o = provider_->Observe(uid);
      if (o.ok() && *o && (*o)->state == ResourceState::kExited) return **o;
      if (std::chrono::steady_clock::now() >= deadline) {
        ADD_FAILURE() << "timed out; log:\n" << Log(uid);
        return o.ok() && *o ? **o : Observed{};
      }
      std::this_thread::sleep_for(Millis(50));
    }
  }

  std::string Log(const std::string& uid) {
    return ReadText(StateDir(uid) + "/" + providers::filesystem::kOutputLog);
  }

  std::string base_, state_root_;
  std::unique_ptr<providers::Provider> provider_;
  std::vector<Observed> created_;
};

TEST_P(RuntimesSandboxTest, NodeFromNvmrcRunsThroughMise) {
  std::string ws = Workspace("node");
  std::string version = LinkNode("node-box");
  std::ofstream(ws + "/.nvmrc") << "# the machine's node\n" << version << "\n";
  Create(Request("node-box", ws, {"sh", "-c", "echo node=$(node --version) data=$MISE_DATA_DIR"}));
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
  Create(r);
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
  Create(Request("broken-box", ws, {"true"}));
  Observed o = WaitExited("broken-box");
  EXPECT_NE(o.exit_code, 0);
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Failed");
  EXPECT_NE(o.runtime->message.find("npm ci (in .) failed"), std::string::npos) << o.runtime->message;
  EXPECT_NE(o.runtime->message.find("npm error"), std::string::npos) << o.runtime->message;

  // As the controller shows it.
  specs::Sandbox desired;
  desired.metadata.name = "broken-box";
  desired.metadata.generation = 1;
  desired.spec.provider = "filesystem";
  desired.spec.runtimes.mise = "auto";
  reconcilers::Action nothing{reconcilers::ActionType::kNothing, "Completed", "", std::nullopt};
  reconcilers::StatusInput in{&desired, &o, &nothing, Status::Ok(), "", Clock::Real().Now()};
  specs::SandboxStatus status = reconcilers::ComputeStatus(in);
  const specs::Condition* c = status.FindCondition("RuntimeReady");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, "False");
  EXPECT_EQ(c->reason, "Failed");
  EXPECT_NE(c->message.find("npm error"), std::string::npos) << c->message;
  EXPECT_EQ(status.phase, "Failed");
}

TEST_P(RuntimesSandboxTest, TwoSandboxesNeverShareAMiseDirectory) {
  std::vector<std::string> dirs;
  for (std::string uid : {"share-a", "share-b"}) {
    std::string ws = Workspace(uid);
    std::ofstream(ws + "/mise.toml") << "[env]\nGREETING = \"hello\"\n";
    Create(Request(uid, ws,
                   {"sh", "-c", "echo greeting=$GREETING data=$MISE_DATA_DIR cache=$MISE_CACHE_DIR"}));
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
