// runtimes.mise: auto in docker sandboxes (providers/docker/runtime_wrapper.h):
// the wrapper's pieces as pure functions, then sandboxes on a real Docker
// engine (scripts/setup-docker-for-tests). sesame-test-mise:latest is busybox
// plus this machine's mise; the tool the workspace names is a fake node
// (busybox shell scripts for `node` and `npm`) placed in the sandbox's own
// mise directory and linked there as mise's `mise link` does, so nothing is
// downloaded.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "providers/docker/container_config.h"
#include "providers/docker/docker_provider.h"
#include "providers/docker/engine_client.h"
#include "providers/docker/runtime_wrapper.h"
#include "reconcilers/plan.h"
#include "reconcilers/status.h"
#include "runtimes/install_steps.h"
#include "tests/runtimes/runtime_condition.h"
#include "tests/providers/temp_dir.h"

namespace sesame::providers::docker {
namespace {

namespace fs = std::filesystem;

constexpr char kBusyboxImage[] = "sesame-test-busybox:latest";
constexpr char kMiseImage[] = "sesame-test-mise:latest";
constexpr char kFakeVersion[] = "20.99.0";

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// ---- pure pieces ----

TEST(DockerRuntimesUnit, ParsesTheStatusFile) {
  auto r =
      ParseRuntimeStatus("Failed\nFailed\nnpm ci (in .) failed: exited with code 1\nnpm error x\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->phase, "Failed");
  EXPECT_EQ(r->reason, "Failed");
  EXPECT_EQ(r->message, "npm ci (in .) failed: exited with code 1\nnpm error x");
  EXPECT_FALSE(ParseRuntimeStatus("").has_value());
  EXPECT_FALSE(ParseRuntimeStatus("half").has_value());
  EXPECT_EQ(ParseRuntimeStatus("Ready\n\nnode 22\n")->reason, "Ready");
}

TEST(DockerRuntimesUnit, EnvironmentSharesTheImageInstallsAndPutsShimsFirst) {
  std::vector<std::string> env = RuntimeEnvironment(
      "/workspace",
      {"PATH=/home/sesame/bin:/usr/bin", "MISE_DATA_DIR=/home/sesame/.local/share/mise"});
  auto has = [&](const std::string& e) {
    return std::find(env.begin(), env.end(), e) != env.end();
  };
  EXPECT_TRUE(has("MISE_DATA_DIR=/var/lib/sesame/mise/.local/share/mise"));
  EXPECT_TRUE(has("MISE_TRUSTED_CONFIG_PATHS=/workspace"));
  EXPECT_TRUE(has("MISE_SHARED_INSTALL_DIRS=/home/sesame/.local/share/mise/installs"));
  EXPECT_TRUE(has("PATH=/var/lib/sesame/mise/.local/share/mise/shims:/home/sesame/bin:/usr/bin"));
  EXPECT_FALSE(has("MISE_GLOBAL_CONFIG_FILE=/opt/mise/config.toml"));
  std::vector<std::string> with_defaults =
      RuntimeEnvironment("/workspace", {"MISE_GLOBAL_CONFIG_FILE=/opt/mise/config.toml"});
  EXPECT_NE(std::find(with_defaults.begin(), with_defaults.end(),
                      "MISE_GLOBAL_CONFIG_FILE=/opt/mise/config.toml"),
            with_defaults.end())
      << "the image's default versions stay in force";
  std::vector<std::string> bare = RuntimeEnvironment("/workspace", {});
  EXPECT_EQ(std::count_if(bare.begin(), bare.end(),
                          [](const std::string& e) { return e.starts_with("MISE_SHARED"); }),
            0);
}

TEST(DockerRuntimesUnit, WrapperRunsStepsInTheContainerPathsThenExecsThroughMise) {
  runtimes::Plan plan;
  plan.workspace = "/workspace";
  plan.tools = {{"node", "22", ".nvmrc:1"}};
  plan.installs = {{"apps/web", "npm", {"npm", "ci"}, {}, "apps/web/package-lock.json", "", {}}};
  plan.tools_hash = "t1";
  plan.lock_hash = "l1";
  std::string script =
      WrapperScript(plan, {"busybox:1", "sesame-sandbox:latest", "build it", true});
  EXPECT_NE(script.find("step 'Installing' 'mise install' '/workspace' 'mise' 'install'"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("'/workspace/apps/web' 'mise' 'exec' '--' 'npm' 'ci'"), std::string::npos)
      << script;
  EXPECT_NE(script.find("installed lock.hash 'l1'"), std::string::npos);
  EXPECT_NE(script.find("report Failed MiseMissing"), std::string::npos);
  EXPECT_NE(script.find("exec mise exec -- \"$@\""), std::string::npos);

  runtimes::Plan deps_only = plan;
  deps_only.tools.clear();
  std::string plain = WrapperScript(deps_only, {"busybox:1", "sesame-sandbox:latest", "b", false});
  EXPECT_EQ(plain.find("MiseMissing"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("npm"), std::string::npos) << "installDependencies is false";
  EXPECT_NE(plain.find("exec \"$@\""), std::string::npos);
}

TEST(DockerRuntimesUnit, CreateBodyPutsTheWrapperBeforeTheCommand) {
  SandboxRequest r;
  r.key = {"Sandbox", "ns", "box"};
  r.uid = "u1";
  r.spec.command = {"node", "app.js"};
  r.workspace_dir = "/host/ws";
  CreateParams p;
  p.image = "img";
  p.runtime_wrapper = {"/bin/sh", "/var/lib/sesame/bin/run.sh"};
  p.runtime_binds = {"/state/u1/mise:/var/lib/sesame/mise"};
  p.runtime_env = {"MISE_YES=1"};
  r.env = {{"A", "b"}};
  nlohmann::json body = CreateBody(r, p);
  EXPECT_EQ(body["Entrypoint"],
            nlohmann::json({"/bin/sh", "/var/lib/sesame/bin/run.sh", "node", "app.js"}));
  EXPECT_EQ(body["Env"], nlohmann::json({"MISE_YES=1", "A=b"}));
  EXPECT_EQ(body["HostConfig"]["Binds"],
            nlohmann::json({"/host/ws:/workspace", "/state/u1/mise:/var/lib/sesame/mise"}));
  r.spec.command.clear();
  EXPECT_EQ(CreateBody(r, p)["Entrypoint"].back(), "infinity");
}

TEST(DockerRuntimesUnit, InstallingIsStillStartingAndAFailedInstallSaysSo) {
  Observed o;
  o.state = ResourceState::kRunning;
  ApplyRuntimeReport(RuntimeReport{"Installing", "Installing", "mise install"}, o);
  EXPECT_EQ(o.state, ResourceState::kCreating);
  EXPECT_EQ(o.message, "runtimes: Installing: mise install");
  Observed exited;
  exited.state = ResourceState::kExited;
  ApplyRuntimeReport(RuntimeReport{"Failed", "MiseMissing", "no mise"}, exited);
  EXPECT_EQ(exited.message, "runtime install failed: no mise");
  Observed with_code;
  with_code.state = ResourceState::kExited;
  with_code.message = "exited with code 1";
  ApplyRuntimeReport(RuntimeReport{"Failed", "Failed", "npm ci failed"}, with_code);
  EXPECT_EQ(with_code.message, "exited with code 1; runtime install failed: npm ci failed");
  Observed none;
  ApplyRuntimeReport(std::nullopt, none);
  EXPECT_FALSE(none.runtime.has_value());
}

// ---- a real engine ----

std::string TestSocket() {
  const char* s = std::getenv("SESAME_TEST_DOCKER_SOCKET");
  return s && *s ? s : "/var/run/docker.sock";
}

// Polls `done` every 50 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& done, Millis timeout = Millis(10000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(Millis(50));
  }
  return done();
}

class DockerRuntimesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_root_ = scratch_.path() + "/state";
    fs::create_directories(state_root_);
    EngineClient engine(TestSocket(), Millis(30000));
    Result<std::string> version = engine.ApiVersion();
    ASSERT_TRUE(version.ok()) << "no Docker engine at " << TestSocket() << ": "
                              << version.status().ToString()
                              << "\nRun scripts/setup-docker-for-tests (as root) first.";
    for (const char* image : {kBusyboxImage, kMiseImage}) {
      HttpRequest inspect;
      inspect.path = std::string("/images/") + image + "/json";
      Result<HttpResponse> r = engine.Call(inspect);
      ASSERT_TRUE(r.ok() && r->status == 200)
          << image << " is missing; run scripts/setup-docker-for-tests";
    }
    DockerOptions options;
    options.socket_path = TestSocket();
    options.state_root = state_root_;
    options.stop_timeout = Millis(2000);
    options.guard_command = {SESAME_BINARY, "__docker-guard"};  // for hardened sandboxes
    provider_ = NewDockerProvider(options);
  }

  void TearDown() override {
    for (const std::string& uid : uids_) {
      Observed o;
      o.uid = uid;
      EXPECT_TRUE(provider_->Delete(o).ok());
    }
  }

  // Creates the sandbox; a fatal failure when that fails (callers wrap it
  // in ASSERT_NO_FATAL_FAILURE).
  void Create(const SandboxRequest& request, Observed* created = nullptr) {
    Result<Observed> o = provider_->Create(request);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    if (created != nullptr) *created = *o;
  }

  Observed MustObserve(const std::string& uid) {
    Result<std::optional<Observed>> o = provider_->Observe(uid);
    EXPECT_TRUE(o.ok() && o->has_value()) << (o.ok() ? "no container" : o.status().ToString());
    return o.ok() && o->has_value() ? **o : Observed{};
  }

  SandboxRequest RuntimesRequest(const std::string& name, std::vector<std::string> command,
                                 const std::string& image = kMiseImage) {
    static int serial = 0;
    SandboxRequest r;
    r.key = {"Sandbox", "sesame-test", name};
    r.uid = "rt" + std::to_string(::getpid()) + "x" + std::to_string(++serial) + name;
    r.generation = 1;
    r.spec.provider = "docker";
    r.spec.command = std::move(command);
    r.workspace_dir = scratch_.path() + "/ws-" + name;
    uids_.push_back(r.uid);
    r.spec.image = image;
    r.spec.runtimes.mise = "auto";
    r.spec.runtimes.install_dependencies = true;
    r.field_hashes = FieldHashes(r.spec);
    fs::create_directories(r.workspace_dir);
    return r;
  }

  void Write(const std::string& path, const std::string& content, bool executable = false) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << content;
    if (executable) fs::permissions(path, static_cast<fs::perms>(0755));
  }

  // The sandbox's own mise directory on the host, before its create.
  std::string MiseDir(const std::string& uid) const {
    return RuntimesRootUnder(state_root_) + "/" + uid + "/mise";
  }

  // A fake node kFakeVersion in the sandbox's mise: bin/node prints the
  // version, bin/npm runs `npm_script`. Linked as `mise link` links.
  void LinkFakeNode(const std::string& uid, const std::string& npm_script) {
    std::string mise = MiseDir(uid);
    Write(mise + "/fake-node/bin/node", std::string("#!/bin/sh\necho v") + kFakeVersion + "\n",
          true);
    Write(mise + "/fake-node/bin/npm", "#!/bin/sh\n" + npm_script, true);
    runtimes::MiseLayout layout = runtimes::MiseLayoutUnder(mise);
    fs::create_directories(layout.data_dir + "/installs/node");
    fs::create_symlink(std::string(kRuntimeMiseMount) + "/fake-node",
                       layout.data_dir + "/installs/node/" + kFakeVersion);
  }

  testing::TempDir scratch_;
  std::string state_root_;
  std::unique_ptr<Provider> provider_;
  std::vector<std::string> uids_;  // deleted in TearDown

  std::string Logs(const Observed& o) {
    std::string out;
    Streams streams;
    streams.on_stdout = [&out](std::string_view d) { out.append(d); };
    streams.on_stderr = [&out](std::string_view d) { out.append(d); };
    Status s = provider_->Logs(o, LogOptions{}, streams);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  // Waits until the sandbox's container has exited after `after` (a
  // finished_at of an earlier run, or none).
  Observed WaitExited(const std::string& uid, std::optional<Time> after = std::nullopt) {
    Observed last;
    bool done = WaitFor(
        [&] {
          Result<std::optional<Observed>> o = provider_->Observe(uid);
          if (!o.ok() || !o->has_value()) return false;
          last = **o;
          return last.state == ResourceState::kExited &&
                 (!after || (last.finished_at && *last.finished_at > *after));
        },
        Millis(120000));
    EXPECT_TRUE(done) << "not exited: " << last.message << "\n" << Logs(last);
    return last;
  }

  // RuntimeReady as the controller shows it for `o`.
  specs::Condition RuntimeReady(const Observed& o, std::string* phase = nullptr) {
    return runtimes::RuntimeReadyAsShown(o, "docker", phase);
  }
};

TEST_F(DockerRuntimesTest, NvmrcToolRunsTheSessionThroughMise) {
  SandboxRequest r =
      RuntimesRequest("rt-node", {"sh", "-c", "echo node=$(node --version) data=$MISE_DATA_DIR"});
  std::ofstream(r.workspace_dir + "/.nvmrc") << kFakeVersion << "\n";
  LinkFakeNode(r.uid, "exit 0\n");
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o = WaitExited(r.uid);
  std::string logs = Logs(o);
  EXPECT_EQ(o.exit_code, 0) << o.message << "\n" << logs;
  EXPECT_NE(logs.find(std::string("node=v") + kFakeVersion), std::string::npos) << logs;
  EXPECT_NE(logs.find("data=/var/lib/sesame/mise/.local/share/mise"), std::string::npos) << logs;
  EXPECT_NE(logs.find("sesame: runtimes: mise install"), std::string::npos) << logs;
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Ready");
  EXPECT_NE(o.runtime->message.find(std::string("node ") + kFakeVersion), std::string::npos)
      << o.runtime->message;
  specs::Condition c = RuntimeReady(o);
  EXPECT_EQ(c.status, "True");
  EXPECT_EQ(c.reason, "Ready");
}

TEST_F(DockerRuntimesTest, UnchangedLockfileIsNotInstalledAgainOnRestart) {
  SandboxRequest r = RuntimesRequest("rt-npm", {"sh", "-c", "cat node_modules/.installed"});
  std::ofstream(r.workspace_dir + "/.nvmrc") << kFakeVersion << "\n";
  std::ofstream(r.workspace_dir + "/package.json") << R"({"name":"app","version":"1.0.0"})";
  std::ofstream(r.workspace_dir + "/package-lock.json")
      << R"({"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{}})";
  LinkFakeNode(r.uid,
               "echo \"fake npm $*\"\nmkdir -p node_modules && echo installed-by-npm > "
               "node_modules/.installed\n");
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o = WaitExited(r.uid);
  std::string logs = Logs(o);
  EXPECT_EQ(o.exit_code, 0) << o.message << "\n" << logs;
  EXPECT_NE(logs.find("fake npm ci"), std::string::npos) << logs;
  EXPECT_NE(logs.find("installed-by-npm"), std::string::npos) << logs;
  EXPECT_EQ(Count(logs, "sesame: runtimes: npm ci (in .)"), 1u) << logs;
  EXPECT_EQ(Count(logs, "sesame: runtimes: mise install"), 1u) << logs;

  ASSERT_TRUE(provider_->Restart(o, r).ok());
  o = WaitExited(r.uid, o.finished_at);
  logs = Logs(o);
  EXPECT_EQ(o.exit_code, 0) << logs;
  EXPECT_EQ(Count(logs, "installed-by-npm"), 2u) << "the session ran twice:\n" << logs;
  EXPECT_EQ(Count(logs, "sesame: runtimes: npm ci (in .)"), 1u) << logs;
  EXPECT_EQ(Count(logs, "sesame: runtimes: mise install"), 1u) << logs;
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Ready");
  EXPECT_NE(o.runtime->message.find("(up to date)"), std::string::npos) << o.runtime->message;

  // A changed lockfile is installed again at the next restart.
  std::ofstream(r.workspace_dir + "/package-lock.json")
      << R"({"name":"app","version":"1.0.1","lockfileVersion":3,"packages":{}})";
  ASSERT_TRUE(provider_->Restart(o, r).ok());
  o = WaitExited(r.uid, o.finished_at);
  logs = Logs(o);
  EXPECT_EQ(Count(logs, "sesame: runtimes: npm ci (in .)"), 2u) << logs;
}

TEST_F(DockerRuntimesTest, InstallInProgressIsStartingThenReady) {
  // npm waits for a file the test writes, so the install is seen running.
  SandboxRequest r = RuntimesRequest("rt-wait", {"sh", "-c", "echo session-ran; sleep 600"});
  std::ofstream(r.workspace_dir + "/.nvmrc") << kFakeVersion << "\n";
  std::ofstream(r.workspace_dir + "/package.json") << R"({"name":"app","version":"1.0.0"})";
  std::ofstream(r.workspace_dir + "/package-lock.json") << R"({"lockfileVersion":3})";
  LinkFakeNode(r.uid, "while [ ! -f go ]; do sleep 0.1; done\n");
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o;
  ASSERT_TRUE(WaitFor(
      [&] {
        o = MustObserve(r.uid);
        return o.runtime && o.runtime->phase == "InstallingDependencies";
      },
      Millis(60000)))
      << o.message;
  EXPECT_EQ(o.state, ResourceState::kCreating);
  EXPECT_EQ(o.message, "runtimes: InstallingDependencies: npm ci (in .)");
  specs::Condition c = RuntimeReady(o);
  EXPECT_EQ(c.status, "False");
  EXPECT_EQ(c.reason, "InstallingDependencies");

  std::ofstream(r.workspace_dir + "/go") << "";
  ASSERT_TRUE(WaitFor(
      [&] {
        o = MustObserve(r.uid);
        return o.state == ResourceState::kRunning;
      },
      Millis(60000)))
      << o.message;
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Ready");
  EXPECT_TRUE(WaitFor([&] { return Logs(o).find("session-ran") != std::string::npos; }));
}

TEST_F(DockerRuntimesTest, ExecdCommandsFindTheInstalledToolThroughShims) {
  SandboxRequest r = RuntimesRequest("rt-exec", {"sleep", "600"});
  std::ofstream(r.workspace_dir + "/.nvmrc") << kFakeVersion << "\n";
  LinkFakeNode(r.uid, "exit 0\n");
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o;
  ASSERT_TRUE(WaitFor(
      [&] {
        o = MustObserve(r.uid);
        return o.state == ResourceState::kRunning || o.state == ResourceState::kExited;
      },
      Millis(60000)));
  ASSERT_EQ(o.state, ResourceState::kRunning) << o.message << "\n" << Logs(o);
  ExecRequest exec;
  exec.command = {"node", "--version"};
  std::string out;
  Streams streams;
  streams.on_stdout = [&out](std::string_view d) { out.append(d); };
  streams.on_stderr = [&out](std::string_view d) { out.append(d); };
  Result<int> code = provider_->Exec(o, exec, streams);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 0) << out;
  EXPECT_EQ(out, std::string("v") + kFakeVersion + "\n");
}

TEST_F(DockerRuntimesTest, FailingDependencyInstallFailsWithItsOutput) {
  SandboxRequest r = RuntimesRequest("rt-fail", {"echo", "never-runs"});
  std::ofstream(r.workspace_dir + "/.nvmrc") << kFakeVersion << "\n";
  std::ofstream(r.workspace_dir + "/package.json") << R"({"name":"app","version":"1.0.0"})";
  std::ofstream(r.workspace_dir + "/package-lock.json") << "{ this is not json";
  LinkFakeNode(r.uid,
               "echo 'npm error code EJSONPARSE' >&2\necho 'npm error the lockfile is broken' "
               ">&2\nexit 1\n");
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o = WaitExited(r.uid);
  std::string logs = Logs(o);
  EXPECT_EQ(o.exit_code, 1) << logs;
  EXPECT_EQ(logs.find("never-runs"), std::string::npos) << logs;
  EXPECT_NE(logs.find("npm error the lockfile is broken"), std::string::npos) << logs;
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Failed");
  EXPECT_NE(o.message.find("runtime install failed"), std::string::npos) << o.message;
  std::string phase;
  specs::Condition c = RuntimeReady(o, &phase);
  EXPECT_EQ(c.status, "False");
  EXPECT_EQ(c.reason, "Failed");
  EXPECT_NE(c.message.find("npm ci (in .) failed: exited with code 1"), std::string::npos)
      << c.message;
  EXPECT_NE(c.message.find("npm error code EJSONPARSE\nnpm error the lockfile is broken"),
            std::string::npos)
      << c.message;
  EXPECT_EQ(phase, "Failed");
}

TEST_F(DockerRuntimesTest, ImageWithoutMiseSaysSoAndNamesTheDefaultImage) {
  SandboxRequest r = RuntimesRequest("rt-nomise", {"echo", "never-runs"}, kBusyboxImage);
  std::ofstream(r.workspace_dir + "/.tool-versions") << "node " << kFakeVersion << "\n";
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o = WaitExited(r.uid);
  std::string logs = Logs(o);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_EQ(logs.find("never-runs"), std::string::npos) << logs;
  specs::Condition c = RuntimeReady(o);
  EXPECT_EQ(c.status, "False");
  EXPECT_EQ(c.reason, "MiseMissing");
  EXPECT_NE(c.message.find(std::string("mise is not on the PATH of the image ") + kBusyboxImage),
            std::string::npos)
      << c.message;
  EXPECT_NE(c.message.find("sesame-sandbox:latest"), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("docker build -t sesame-sandbox:latest images/sesame-sandbox"),
            std::string::npos)
      << c.message;
  EXPECT_NE(logs.find("mise is not on the PATH"), std::string::npos) << logs;
}

TEST_F(DockerRuntimesTest, NoVersionFilesRunsTheCommandAsIsAndIsReady) {
  SandboxRequest r = RuntimesRequest("rt-empty", {"echo", "plain-session"}, kBusyboxImage);
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o = WaitExited(r.uid);
  EXPECT_EQ(o.exit_code, 0) << Logs(o);
  EXPECT_NE(Logs(o).find("plain-session"), std::string::npos);
  ASSERT_TRUE(o.runtime.has_value());
  EXPECT_EQ(o.runtime->phase, "Ready");
  EXPECT_EQ(o.runtime->message, "no runtimes or lockfiles declared");
}

TEST_F(DockerRuntimesTest, DeleteRemovesTheRuntimesDirectory) {
  SandboxRequest r = RuntimesRequest("rt-delete", {"true"}, kBusyboxImage);
  Observed o;
  ASSERT_NO_FATAL_FAILURE(Create(r, &o));
  std::string dir = RuntimesRootUnder(state_root_) + "/" + r.uid;
  EXPECT_TRUE(fs::exists(dir + "/bin/run.sh"));
  ASSERT_TRUE(provider_->Delete(o).ok());
  EXPECT_FALSE(fs::exists(dir));
}

// A hardened sandbox's guard allows the registries its installs need while
// they run, and never again once the wrapper has said they are over: the
// session asking for the same registry is refused (and recorded).
TEST_F(DockerRuntimesTest, HardenedSandboxReachesRegistriesOnlyWhileInstalling) {
  // CONNECT through the guard's proxy; prints the answer's first lines.
  auto ask = [](const std::string& who) {
    return "printf 'CONNECT registry.npmjs.org:443 HTTP/1.1\\r\\n\\r\\n' | nc -w 2 127.0.0.1 3128 "
           "| head -3 | sed 's/^/" + who + ": /'\n";
  };
  SandboxRequest r = RuntimesRequest("rt-hardened", {"sh", "-c", ask("session")});
  r.policy.enabled = true;
  r.policy.network.allowed_domains = {"api.anthropic.com"};
  std::ofstream(r.workspace_dir + "/.nvmrc") << kFakeVersion << "\n";
  std::ofstream(r.workspace_dir + "/package.json") << R"({"name":"app","version":"1.0.0"})";
  std::ofstream(r.workspace_dir + "/package-lock.json")
      << R"({"name":"app","version":"1.0.0","lockfileVersion":3,"packages":{}})";
  LinkFakeNode(r.uid, ask("install") + "mkdir -p node_modules\n");
  ASSERT_NO_FATAL_FAILURE(Create(r));
  Observed o = WaitExited(r.uid);
  std::string logs = Logs(o);
  EXPECT_EQ(o.exit_code, 0) << o.message << "\n" << logs;
  ASSERT_TRUE(o.runtime.has_value()) << logs;
  EXPECT_EQ(o.runtime->phase, "Ready") << logs;
  EXPECT_NE(logs.find("session: X-Proxy-Error: blocked-by-allowlist"), std::string::npos) << logs;
  EXPECT_NE(logs.find("install: "), std::string::npos) << logs;
  EXPECT_EQ(logs.find("install: X-Proxy-Error: blocked-by-allowlist"), std::string::npos) << logs;
  Result<std::vector<ViolationRecord>> violations = provider_->DrainViolations();
  ASSERT_TRUE(violations.ok()) << violations.status().ToString();
  int refused = 0;
  for (const ViolationRecord& v : *violations) {
    if (v.uid == r.uid && v.target == "registry.npmjs.org:443" && v.rule == "blocked-by-allowlist") ++refused;
  }
  EXPECT_EQ(refused, 1) << "only the session's request is refused by the allow-list";
}

}  // namespace
}  // namespace sesame::providers::docker
