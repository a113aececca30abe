#pragma once
// The fixture of the escape battery (escape_test.cc): one real sandbox made
// by the filesystem provider with the `sesame` binary as its supervisor, a
// loopback upstream, and helpers to run scripts in it and to read its
// violations. Only loopback is used: upstream servers run on the host's
// 127.0.0.1. Suites derived from it may set `session_command_` (and force
// a backend, security/probe.h) before calling EscapeTest::SetUpTestSuite.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/unique_fd.h"
#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/supervisor_command.h"
#include "security/policy.h"
#include "security/probe.h"
#include "security/proxy.h"
#include "security/relay.h"
#include "tests/security/loopback_upstream.h"

namespace sesame::security {
namespace {

namespace fs = std::filesystem;

struct ShResult {
  int code = -1;
  std::string out, err;
};

// A loopback HTTP server answering "upstream-ok".
class Upstream : public LoopbackUpstream {
 public:
  Upstream() : LoopbackUpstream("upstream-ok") {}
};

class EscapeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (CachedProbe().backend == Backend::kNone) return;
    char tmpl[] = "/var/tmp/escape_test.XXXXXX";
    base_ = ::mkdtemp(tmpl);
    home_ = base_ + "/home";
    sesame_home_ = base_ + "/sesame";
    workspace_ = sesame_home_ + "/sandboxes/default/box";
    fs::create_directories(home_ + "/.ssh");
    std::ofstream(home_ + "/.ssh/id_rsa") << "PRIVATE KEY\n";
    std::ofstream(home_ + "/.bashrc") << "# host bashrc\n";
    fs::create_directories(base_ + "/secrets");
    std::ofstream(base_ + "/secrets/token") << "admin-denied\n";
    fs::create_directories(sesame_home_ + "/sandboxes/default/other");
    std::ofstream(sesame_home_ + "/sandboxes/default/other/secret.txt") << "other sandbox\n";
    std::ofstream(sesame_home_ + "/state.db") << "db\n";
    fs::create_directories(workspace_ + "/.git/hooks");
    std::ofstream(workspace_ + "/.git/config") << "[core]\n";
    std::ofstream(workspace_ + "/readonly.txt") << "keep\n";
    upstream_ = new Upstream();

    providers::filesystem::FilesystemOptions options;
    state_root_ = sesame_home_ + "/run";
    options.state_root = state_root_;
    options.supervisor_command = providers::filesystem::SupervisorCommandFor(SESAME_BINARY);
    provider_ = providers::filesystem::NewFilesystemProvider(options).release();
    providers::SandboxRequest r;
    r.key = {"Sandbox", "default", "box"};
    r.uid = "escape-test-box";
    r.spec.command = session_command_;
    r.spec.agent = "claude";
    r.spec.security.network.allowed_domains = {"127.0.0.1:" + std::to_string(upstream_->port()),
                                               "localhost"};
    r.spec.security.filesystem.deny_write = {"readonly.txt"};
    r.workspace_dir = workspace_;
    PolicyInput in;
    in.spec = &r.spec;
    in.workspace = workspace_;
    in.home = home_;
    in.sesame_home = sesame_home_;
    in.admin.deny_read = {base_ + "/secrets"};
    r.policy = ComputePolicy(in);
    auto created = provider_->Create(r);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    observed_ = new providers::Observed(*created);
    state_dir_ = options.state_root + "/" + r.uid;
  }

  static void TearDownTestSuite() {
    if (provider_ && observed_) (void)provider_->Delete(*observed_);
    delete observed_;
    delete provider_;
    delete upstream_;
    if (!base_.empty()) fs::remove_all(base_);
  }

  void SetUp() override {
    if (CachedProbe().backend == Backend::kNone) GTEST_FAIL() << "no OS-level sandboxing here: " << CachedProbe().problem;
    ASSERT_NE(observed_, nullptr);
  }

  static ShResult Sh(const std::string& script) {
    ShResult run;
    providers::Streams streams;
    streams.on_stdout = [&](std::string_view s) { run.out += s; };
    streams.on_stderr = [&](std::string_view s) { run.err += s; };
    providers::ExecRequest req;
    req.command = {"sh", "-c", script};
    req.timeout = Millis(20000);
    auto code = provider_->Exec(*observed_, req, streams);
    run.code = code.ok() ? *code : -1000;
    if (!code.ok()) run.err += code.status().ToString();
    return run;
  }

  // The violations recorded so far (the monitor writes asynchronously).
  static std::string Violations(const std::string& expect = "") { return ViolationsIn(state_dir_, expect); }
  static std::string ViolationsIn(const std::string& state_dir, const std::string& expect) {
    std::string text;
    for (int i = 0; i < 100; ++i) {
      std::ifstream in(state_dir + "/violations.jsonl");
      text.assign(std::istreambuf_iterator<char>(in), {});
      if (expect.empty() || text.find(expect) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return text;
  }

  // The rule of the first violation whose target is `target`, or "".
  static std::string RuleOf(const std::string& violations, const std::string& target) {
    std::istringstream lines(violations);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("\"target\":\"" + target + "\"") == std::string::npos) continue;
      size_t at = line.find("\"rule\":\"");
      if (at == std::string::npos) return "?";
      at += 8;
      return line.substr(at, line.find('"', at) - at);
    }
    return "";
  }

  static std::string Python(const std::string& code) { return "python3 -c '" + code + "'"; }

  static inline std::vector<std::string> session_command_ = {"sh", "-c", "sleep 600"};
  static inline std::string base_, home_, sesame_home_, workspace_, state_root_, state_dir_;
  static inline Upstream* upstream_ = nullptr;
  static inline providers::Provider* provider_ = nullptr;
  static inline providers::Observed* observed_ = nullptr;
};

}  // namespace
}  // namespace sesame::security
