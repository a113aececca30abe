#pragma once
// The fixture of the tests that run filesystem sandboxes with
// runtimes.mise: auto against the real mise and this machine's Node.js,
// secured (parameter true, when the kernel can sandbox) and not: a scratch
// directory with a fixture $HOME, the provider with the `sesame` binary's
// supervisor, requests, node linked into a sandbox's own mise, waiting for
// a session to end, its log and its RuntimeReady condition.

#include <gtest/gtest.h>
#include <limits.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/state_file.h"
#include "providers/filesystem/supervisor_command.h"
#include "runtimes/install_steps.h"
#include "security/policy.h"
#include "security/probe.h"
#include "tests/runtimes/runtime_condition.h"

namespace sesame::runtimes {

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// stdout of a shell command, trailing newline removed.
inline std::string Capture(const std::string& command) {
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

inline std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? buf : "";
}

class RuntimesSandboxFixture : public ::testing::TestWithParam<bool> {
 protected:
  // Fails (never skips) without mise and node, or, secured, without a
  // sandboxing backend. `mise_path`: the provider's configured mise.
  void SetUpSandboxes(const std::string& name, const std::string& mise_path = "") {
    if (Capture("command -v mise").empty() || Capture("command -v node").empty()) {
      GTEST_FAIL() << "needs mise (npm install -g @jdxcode/mise) and node";
    }
    if (GetParam() && security::CachedProbe().backend == security::Backend::kNone) {
      GTEST_FAIL() << "cannot sandbox here: " << security::CachedProbe().problem;
    }
    std::string tmpl = "/var/tmp/" + name + ".XXXXXX";
    base_ = ::mkdtemp(tmpl.data());
    // The sandbox's own uid (when run as root) walks to its workspace and home.
    std::filesystem::permissions(base_, std::filesystem::perms::owner_all |
                                            std::filesystem::perms::group_exec |
                                            std::filesystem::perms::others_exec);
    std::filesystem::create_directories(base_ + "/home");
    providers::filesystem::FilesystemOptions options;
    options.state_root = base_ + "/sesame/run";
    options.supervisor_command = providers::filesystem::SupervisorCommandFor(SESAME_BINARY);
    options.start_timeout = Millis(30000);
    options.mise_path = mise_path;
    state_root_ = options.state_root;
    provider_ = providers::filesystem::NewFilesystemProvider(options);
  }

  void TearDown() override {
    for (const providers::Observed& o : created_) (void)provider_->Delete(o);
    if (!base_.empty()) std::filesystem::remove_all(base_);
  }

  std::string Workspace(const std::string& name) {
    std::string ws = base_ + "/work/" + name;
    std::filesystem::create_directories(ws);
    return ws;
  }

  // A sandbox of `uid` with runtimes.mise: auto; secured by the parameter.
  // `customize` changes the spec before the policy is computed.
  providers::SandboxRequest Request(const std::string& uid, const std::string& workspace,
                                    std::vector<std::string> command,
                                    void (*customize)(specs::SandboxSpec&) = nullptr) {
    providers::SandboxRequest r;
    r.key = {"Sandbox", "default", uid};
    r.uid = uid;
    r.spec.command = std::move(command);
    r.spec.runtimes.mise = "auto";
    r.spec.runtimes.install_dependencies = true;
    r.workspace_dir = workspace;
    if (customize != nullptr) customize(r.spec);
    if (GetParam()) r.policy = PolicyFor(r.spec, workspace);
    return r;
  }

  security::SandboxPolicy PolicyFor(const specs::SandboxSpec& spec, const std::string& workspace) const {
    security::PolicyInput in;
    in.spec = &spec;
    in.workspace = workspace;
    in.home = base_ + "/home";
    in.sesame_home = base_ + "/sesame";
    return security::ComputePolicy(in);
  }

  std::string StateDir(const std::string& uid) const { return state_root_ + "/" + uid; }

  // Links this machine's node into the (not yet created) sandbox's mise with
  // `mise`; returns its version ("v20.20.2").
  std::string LinkNode(const std::string& uid, const std::string& mise = "mise") {
    std::string version = Capture("node --version");
    std::string prefix =
        std::filesystem::path(RealPath(Capture("command -v node"))).parent_path().parent_path();
    MiseLayout layout = MiseLayoutUnder(StateDir(uid) + "/home");
    std::string cmd = "MISE_DATA_DIR=" + layout.data_dir + " MISE_CACHE_DIR=" + layout.cache_dir +
                      " MISE_CONFIG_DIR=" + layout.config_dir + " MISE_STATE_DIR=" +
                      layout.state_dir + " MISE_YES=1 " + mise + " link node@" + version.substr(1) +
                      " " + prefix + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return version;
  }

  // Creates the sandbox; a fatal failure when that fails (callers wrap it
  // in ASSERT_NO_FATAL_FAILURE).
  void Create(const providers::SandboxRequest& r) {
    auto created = provider_->Create(r);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    created_.push_back(*created);
  }

  // Waits until the session of `uid` has exited.
  providers::Observed WaitExited(const std::string& uid, Millis timeout = Millis(120000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto o = provider_->Observe(uid);
      if (o.ok() && *o && (*o)->state == providers::ResourceState::kExited) return **o;
      if (std::chrono::steady_clock::now() >= deadline) {
        ADD_FAILURE() << "timed out; log:\n" << Log(uid);
        return o.ok() && *o ? **o : providers::Observed{};
      }
      std::this_thread::sleep_for(Millis(50));
    }
  }

  std::string Log(const std::string& uid) {
    return ReadText(StateDir(uid) + "/" + providers::filesystem::kOutputLog);
  }

  // RuntimeReady as the controller shows it (and the sandbox's phase).
  specs::Condition RuntimeReady(const providers::Observed& o, std::string* phase = nullptr) {
    return RuntimeReadyAsShown(o, "filesystem", phase);
  }

  std::string base_, state_root_;
  std::unique_ptr<providers::Provider> provider_;
  std::vector<providers::Observed> created_;
};

}  // namespace sesame::runtimes
