// The filesystem provider against real processes in temporary directories.
#include "providers/filesystem/filesystem_provider.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/mutex.h"
#include "providers/filesystem/process.h"
#include "tests/providers/temp_dir.h"

namespace sesame::providers::filesystem {
namespace {

namespace fs = std::filesystem;

constexpr char kSecret[] = "s3cr3t-value-8f2d";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename F>
bool Eventually(F condition, Millis timeout = Millis(5000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(20));
  }
  return true;
}

char ProcState(pid_t pid) {
  auto stat = ReadProcStat(pid);
  return stat ? stat->state : '-';
}

// Processes whose command line contains `token`.
int CountProcesses(const std::string& token) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadText(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    auto stat = ReadProcStat(std::stoi(name));
    if (stat && stat->state != 'Z' && cmdline.find(token) != std::string::npos) ++count;
  }
  return count;
}

struct Captured {
  std::string out, err;
  Streams streams;
  explicit Captured(std::vector<std::string> input = {}) : input_(std::move(input)) {
    streams.on_stdout = [this](std::string_view s) { MutexLock l(mu_); out += s; };
    streams.on_stderr = [this](std::string_view s) { MutexLock l(mu_); err += s; };
    streams.read_stdin = [this](std::string& chunk) {
      if (next_ == input_.size()) return false;
      chunk = input_[next_++];
      return true;
    };
  }
  std::string Out() { MutexLock l(mu_); return out; }

 private:
  Mutex mu_;
  std::vector<std::string> input_;
  size_t next_ = 0;
};

class FilesystemProviderTest : public ::testing::Test {
 protected:
  FilesystemOptions Options() const {
    FilesystemOptions o;
    o.state_root = tmp_.Sub("run");
    o.supervisor_command = {SESAME_TEST_SUPERVISOR};
    o.cgroup_root = tmp_.Sub("no-cgroup");  // never the machine's
    o.stop_timeout = Millis(2000);
    return o;
  }

  SandboxRequest Request(const std::string& uid, std::vector<std::string> command) const {
    SandboxRequest r;
    r.uid = uid;
    r.key = {"Sandbox", "default", "sb-" + uid};
    r.spec.command = std::move(command);
    r.workspace_dir = tmp_.Sub("sandboxes/default/sb-" + uid);
    r.field_hashes = {{"command", "c1"}};
    return r;
  }

  Observed Create(const SandboxRequest& r) {
    Result<Observed> o = provider_->Create(r);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    created_.push_back(r.uid);
    return o.ok() ? *o : Observed{};
  }

  Observed MustObserve(const std::string& uid) {
    auto o = provider_->Observe(uid);
    EXPECT_TRUE(o.ok() && o->has_value());
    return o.ok() && o->has_value() ? **o : Observed{};
  }

  std::string StateDir(const std::string& uid) const { return tmp_.Sub("run/" + uid); }

  void TearDown() override {
    for (const std::string& uid : created_) {
      Observed o;
      o.uid = uid;
      (void)provider_->Delete(o);
    }
  }

  testing::TempDir tmp_;
  std::unique_ptr<Provider> provider_ = NewFilesystemProvider(Options());
  std::vector<std::string> created_;
};

TEST_F(FilesystemProviderTest, RunsTheCommandAndLogsItsOutput) {
  Observed o = Create(Request("u1", {"sh", "-c", "echo hello; echo oops >&2; pwd; sleep 60"}));
  EXPECT_EQ(o.state, ResourceState::kRunning);
  EXPECT_EQ(o.uid, "u1");
  EXPECT_EQ(o.key.name, "sb-u1");
  EXPECT_EQ(o.field_hashes.at("command"), "c1");
  ASSERT_TRUE(o.started_at);
  EXPECT_TRUE(IsAlive(CaptureProcess(std::stoi(o.id))));

  std::string out, err;
  ASSERT_TRUE(Eventually([&] {
    Captured logs;
    (void)provider_->Logs(o, {}, logs.streams);
    out = logs.out;
    err = logs.err;
    return out.find("sb-u1\n") != std::string::npos;
  }));
  EXPECT_EQ(out, "hello\n" + fs::canonical(tmp_.Sub("sandboxes/default/sb-u1")).string() + "\n");
  EXPECT_EQ(err, "oops\n");

  Captured stamped;
  LogOptions options;
  options.timestamps = true;
  options.tail = 1;
  ASSERT_TRUE(provider_->Logs(o, options, stamped.streams).ok());
  std::string last = stamped.out + stamped.err;  // tail 1: one line, either stream
  EXPECT_TRUE(ParseTime(last.substr(0, last.find(' ')))) << last;
  EXPECT_EQ(std::count(last.begin(), last.end(), '\n'), 1) << last;
}

TEST_F(FilesystemProviderTest, ExecPassesStdinAndExitCodes) {
  Observed o = Create(Request("u2", {"sleep", "60"}));
  Captured cat({"hi\n"});
  ExecRequest exec{{"cat"}, {}, true, std::nullopt};
  Result<int> code = provider_->Exec(o, exec, cat.streams);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(cat.out, "hi\n");

  Captured quiet;
  EXPECT_EQ(*provider_->Exec(o, {{"sh", "-c", "echo $FOO; exit 3"}, {{"FOO", "bar"}}, false, {}},
                             quiet.streams), 3);
  EXPECT_EQ(quiet.out, "bar\n");
  EXPECT_EQ(*provider_->Exec(o, {{"sh", "-c", "kill -9 $$"}, {}, false, {}}, quiet.streams), 137);

  Captured missing;
  EXPECT_EQ(*provider_->Exec(o, {{"no-such-command-xyz"}, {}, false, {}}, missing.streams), 127);
  EXPECT_NE(missing.err.find("no-such-command-xyz"), std::string::npos);

  Captured slow;
  Result<int> timed = provider_->Exec(o, {{"sleep", "30"}, {}, false, Millis(200)}, slow.streams);
  EXPECT_FALSE(timed.ok());
}

TEST_F(FilesystemProviderTest, SuspendStopsTheGroupAndResumeContinuesIt) {
  Observed o = Create(Request("u3", {"sh", "-c", "sleep 60 & wait"}));
  pid_t pid = std::stoi(o.id);
  ASSERT_TRUE(provider_->Suspend(o).ok());
  EXPECT_EQ(ProcState(pid), 'T');
  EXPECT_EQ(MustObserve("u3").state, ResourceState::kSuspended);
  ASSERT_TRUE(provider_->Resume(o).ok());
  EXPECT_NE(ProcState(pid), 'T');
  EXPECT_EQ(MustObserve("u3").state, ResourceState::kRunning);
}

TEST_F(FilesystemProviderTest, DeleteRemovesProcessStateAndDefaultWorkspace) {
  Observed o = Create(Request("u4", {"sleep", "60"}));
  ProcessId child = CaptureProcess(std::stoi(o.id));
  std::string workspace = tmp_.Sub("sandboxes/default/sb-u4");
  ASSERT_TRUE(fs::exists(workspace));
  ASSERT_TRUE(provider_->Delete(o).ok());
  EXPECT_FALSE(IsAlive(child));
  EXPECT_FALSE(fs::exists(StateDir("u4")));
  EXPECT_FALSE(fs::exists(workspace));
  EXPECT_TRUE(provider_->Delete(o).ok());  // idempotent
  auto gone = provider_->Observe("u4");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(FilesystemProviderTest, DeleteKeepsAUserWorkspace) {
  SandboxRequest r = Request("u5", {"sleep", "60"});
  r.spec.workspace.path = "./mine";
  r.workspace_dir = tmp_.Sub("mine");
  fs::create_directories(r.workspace_dir);
  std::ofstream(r.workspace_dir + "/keep.txt") << "x";
  Observed o = Create(r);
  ASSERT_TRUE(provider_->Delete(o).ok());
  EXPECT_TRUE(fs::exists(r.workspace_dir + "/keep.txt"));
}

TEST_F(FilesystemProviderTest, CreateTwiceAdoptsTheSameProcess) {
  SandboxRequest r = Request("u6", {"sleep", "61.5"});
  Observed first = Create(r);
  Observed second = Create(r);
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(CountProcesses("sleep 61.5"), 1);
}

TEST_F(FilesystemProviderTest, ANewProviderReadoptsAfterTheControllerIsKilled) {
  SandboxRequest r = Request("u7", {"sleep", "62.5"});
  // The "controller": a child process that creates the sandbox and dies by
  // SIGKILL.
  pid_t controller = ::fork();
  if (controller == 0) {
    auto provider = NewFilesystemProvider(Options());
    bool ok = provider->Create(r).ok();
    if (ok) ::raise(SIGKILL);
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(controller, &status, 0), controller);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  created_.push_back(r.uid);

  auto restarted = NewFilesystemProvider(Options());
  auto o = restarted->Observe("u7");
  ASSERT_TRUE(o.ok() && o->has_value());
  EXPECT_EQ((*o)->state, ResourceState::kRunning);
  Result<Observed> adopted = restarted->Create(r);
  ASSERT_TRUE(adopted.ok());
  EXPECT_EQ(adopted->id, (*o)->id);
  EXPECT_EQ(CountProcesses("sleep 62.5"), 1);
  auto all = restarted->ListOwned();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].uid, "u7");
}

// What a power loss may leave of a create whose state was not yet synced:
// a state file renamed into place before its data reached the disk, empty.
// It reads as no state, so the sandbox is made again (before, Observe failed
// on it for good).
TEST_F(FilesystemProviderTest, AnEmptyStateFileIsNoStateAndTheSandboxIsMadeAgain) {
  SandboxRequest r = Request("u7e", {"sleep", "62.75"});
  std::filesystem::create_directories(StateDir("u7e"));
  { std::ofstream(StateDir("u7e") + "/state.json", std::ios::trunc); }
  auto absent = provider_->Observe("u7e");
  ASSERT_TRUE(absent.ok()) << absent.status().ToString();
  EXPECT_FALSE(absent->has_value());
  Observed made = Create(r);
  EXPECT_EQ(made.state, ResourceState::kRunning);
  EXPECT_EQ(MustObserve("u7e").id, made.id);
  EXPECT_EQ(CountProcesses("sleep 62.75"), 1);
}

TEST_F(FilesystemProviderTest, AKilledCommandShowsAsExitedAndRestartStartsAgain) {
  SandboxRequest r = Request("u8", {"sh", "-c", "echo started; exec sleep 60"});
  Observed o = Create(r);
  // Killed once it has said so: Create returns when the command is started,
  // which may be before its first line.
  ASSERT_TRUE(Eventually([&] {
    Captured logs;
    (void)provider_->Logs(o, {}, logs.streams);
    return logs.out == "started\n";
  }));
  pid_t first = std::stoi(o.id);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_TRUE(Eventually([&] { return MustObserve("u8").state == ResourceState::kExited; }));
  Observed exited = MustObserve("u8");
  EXPECT_EQ(exited.exit_code, 128 + SIGKILL);
  EXPECT_TRUE(exited.finished_at);

  ASSERT_TRUE(provider_->Restart(exited, r).ok());
  Observed again = MustObserve("u8");
  EXPECT_EQ(again.state, ResourceState::kRunning);
  EXPECT_NE(again.id, o.id);
  EXPECT_FALSE(again.exit_code);
  ASSERT_TRUE(Eventually([&] {
    Captured logs;
    (void)provider_->Logs(again, {}, logs.streams);
    return logs.out == "started\nstarted\n";  // the log is kept across restarts
  }));
}

TEST_F(FilesystemProviderTest, ALostSupervisorIsReportedAndDeleteStillCleansUp) {
  Observed o = Create(Request("u18", {"sleep", "63.5"}));
  std::string state = ReadText(StateDir("u18") + "/state.json");
  size_t at = state.find("\"supervisor\"");
  ASSERT_NE(at, std::string::npos);
  pid_t supervisor = std::stoi(state.substr(state.find("\"pid\":", at) + 6));
  ASSERT_EQ(::kill(supervisor, SIGKILL), 0);
  ASSERT_TRUE(Eventually([&] { return MustObserve("u18").state == ResourceState::kExited; }));
  Observed lost = MustObserve("u18");
  EXPECT_EQ(lost.exit_code, -1);
  EXPECT_NE(lost.message.find("supervisor lost"), std::string::npos);
  ASSERT_TRUE(provider_->Delete(lost).ok());
  EXPECT_EQ(CountProcesses("sleep 63.5"), 0);  // the orphaned command went too
}

TEST_F(FilesystemProviderTest, DeletesASuspendedSandbox) {
  Observed o = Create(Request("u19", {"sleep", "64.5"}));
  ASSERT_TRUE(provider_->Suspend(o).ok());
  ASSERT_TRUE(provider_->Delete(o).ok());
  EXPECT_EQ(CountProcesses("sleep 64.5"), 0);
}

TEST_F(FilesystemProviderTest, ACommandThatEndsRecordsItsExitCode) {
  Observed o = Create(Request("u9", {"sh", "-c", "echo bye; exit 4"}));
  Captured follow;
  LogOptions options;
  options.follow = true;
  ASSERT_TRUE(provider_->Logs(o, options, follow.streams).ok());  // returns at the end
  EXPECT_EQ(follow.out, "bye\n");
  Observed done = MustObserve("u9");
  EXPECT_EQ(done.state, ResourceState::kExited);
  EXPECT_EQ(done.exit_code, 4);
}

TEST_F(FilesystemProviderTest, AMissingCommandExitsWith127) {
  Observed o = Create(Request("u10", {"/no/such/program"}));
  ASSERT_TRUE(Eventually([&] { return MustObserve("u10").state == ResourceState::kExited; }));
  EXPECT_EQ(MustObserve("u10").exit_code, 127);
}

TEST_F(FilesystemProviderTest, EnvReachesTheCommandButNoFileOrArgv) {
  // Shows the value reversed, so that the log does not hold it either.
  SandboxRequest r = Request("u11", {"sh", "-c", "printf '%s\\n' \"$TOKEN\" | rev; sleep 60"});
  r.env = {{"TOKEN", kSecret}};
  Observed o = Create(r);
  ASSERT_TRUE(Eventually([&] {
    Captured logs;
    (void)provider_->Logs(o, {}, logs.streams);
    return logs.out == std::string(std::rbegin(kSecret) + 1, std::rend(kSecret)) + "\n";
  }));
  for (const auto& entry : fs::recursive_directory_iterator(StateDir("u11"))) {
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(ReadText(entry.path()).find(kSecret), std::string::npos) << entry.path();
  }
  EXPECT_NE(ReadText(StateDir("u11") + "/state.json").find("TOKEN"), std::string::npos);
  // Not on any command line either (the supervisor got it through a socket).
  EXPECT_EQ(CountProcesses(kSecret), 0);
}

TEST_F(FilesystemProviderTest, AnIdleSandboxRunsUntilDeleted) {
  Observed o = Create(Request("u12", {}));
  EXPECT_EQ(o.state, ResourceState::kRunning);
  Captured pwd;
  EXPECT_EQ(*provider_->Exec(o, {{"pwd"}, {}, false, {}}, pwd.streams), 0);
  EXPECT_EQ(pwd.out, fs::canonical(tmp_.Sub("sandboxes/default/sb-u12")).string() + "\n");
  ASSERT_TRUE(provider_->Suspend(o).ok());
  EXPECT_EQ(MustObserve("u12").state, ResourceState::kSuspended);
  ProcessId supervisor = CaptureProcess(std::stoi(o.id));
  ASSERT_TRUE(provider_->Delete(o).ok());
  EXPECT_FALSE(IsAlive(supervisor));
}

TEST_F(FilesystemProviderTest, AClaimStartsItsSessionInTheWarmSandboxAndRecordsItOnce) {
  SandboxRequest warm = Request("u20", {});
  warm.field_hashes = {{"warm", "pool"}};
  Observed idle = Create(warm);
  ASSERT_EQ(idle.state, ResourceState::kRunning);
  ProcessId supervisor = CaptureProcess(std::stoi(idle.id));

  SandboxRequest claim = Request("u20", {"sh", "-c", "printf '%s\\n' \"$TOKEN\" | rev; sleep 60"});
  claim.key = {"Sandbox", "default", "claimer"};
  claim.env = {{"TOKEN", kSecret}};
  claim.field_hashes = {{"command", "c2"}};
  ASSERT_TRUE(provider_->StartSession(idle, claim).ok());
  // The supervisor recorded the claim before answering: no second look needed.
  Observed claimed = MustObserve("u20");
  EXPECT_EQ(claimed.key.name, "claimer");
  EXPECT_EQ(claimed.field_hashes, claim.field_hashes);
  EXPECT_EQ(claimed.state, ResourceState::kRunning);
  EXPECT_NE(claimed.id, idle.id);  // the session's process, under the same supervisor
  EXPECT_TRUE(IsAlive(supervisor));
  ASSERT_TRUE(Eventually([&] {
    Captured logs;
    (void)provider_->Logs(claimed, {}, logs.streams);
    return logs.out == std::string(std::rbegin(kSecret) + 1, std::rend(kSecret)) + "\n";
  }));
  std::string state = ReadText(StateDir("u20") + "/state.json");
  EXPECT_EQ(state.find(kSecret), std::string::npos);
  EXPECT_NE(state.find("TOKEN"), std::string::npos);
  EXPECT_FALSE(fs::exists(StateDir("u20") + "/start.sock"));

  // Again, as a controller killed while waiting for the answer does: the
  // session already runs and is not started a second time.
  ASSERT_TRUE(provider_->StartSession(idle, claim).ok());
  EXPECT_EQ(MustObserve("u20").id, claimed.id);
  EXPECT_TRUE(IsAlive(supervisor));
}

TEST_F(FilesystemProviderTest, AClaimWithoutACommandIsRefusedAndStartedTheSlowWay) {
  SandboxRequest warm = Request("u21", {});
  warm.field_hashes = {{"warm", "pool"}};
  Observed idle = Create(warm);
  ProcessId supervisor = CaptureProcess(std::stoi(idle.id));
  // The warm supervisor refuses a session without a command; the provider
  // then restarts the sandbox as the claim asks (here: idle).
  SandboxRequest claim = Request("u21", {});
  claim.field_hashes = {{"command", "none"}};
  ASSERT_TRUE(provider_->StartSession(idle, claim).ok());
  Observed after = MustObserve("u21");
  EXPECT_EQ(after.field_hashes, claim.field_hashes);
  EXPECT_EQ(after.state, ResourceState::kRunning);
  EXPECT_FALSE(IsAlive(supervisor));
}

TEST_F(FilesystemProviderTest, AttachFeedsTheSessionStdin) {
  SandboxRequest r = Request("u13", {"cat"});
  r.spec.stdin_open = true;
  Observed o = Create(r);
  Captured attach({"ping\n"});
  attach.streams.cancelled = [&attach] { return attach.Out().find("ping") != std::string::npos; };
  std::thread watchdog([&] {
    // Fails the test rather than hanging it.
    if (!Eventually([&] { return attach.Out().find("ping") != std::string::npos; })) {
      Observed stop = o;
      (void)provider_->Delete(stop);
    }
  });
  ASSERT_TRUE(provider_->Attach(o, attach.streams).ok());
  watchdog.join();
  EXPECT_EQ(attach.Out(), "ping\n");
  EXPECT_EQ(MustObserve("u13").state, ResourceState::kRunning);  // stdin stays open
}

TEST_F(FilesystemProviderTest, FilesStayInsideTheWorkspace) {
  Observed o = Create(Request("u14", {}));
  ASSERT_TRUE(provider_->WriteFile(o, "src/a.txt", "content").ok());
  EXPECT_EQ(*provider_->ReadFile(o, "src/a.txt"), "content");
  EXPECT_EQ(provider_->ReadFile(o, "../../../run/u14/state.json").status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(provider_->WriteFile(o, "/etc/passwd", "x").code(), Code::kPermissionDenied);
}

TEST_F(FilesystemProviderTest, ReportsPortsAsEndpoints) {
  SandboxRequest r = Request("u15", {});
  r.spec.ports = {3000};
  Observed o = Create(r);
  ASSERT_EQ(o.endpoints.size(), 1u);
  EXPECT_EQ(o.endpoints[0].url, "http://127.0.0.1:3000");
  r.spec.ports = {3000, 8080};
  r.field_hashes["ports"] = "p2";
  ASSERT_TRUE(provider_->Update(o, r).ok());
  Observed updated = MustObserve("u15");
  EXPECT_EQ(updated.endpoints.size(), 2u);
  EXPECT_EQ(updated.field_hashes.at("ports"), "p2");
}

TEST_F(FilesystemProviderTest, MemoryFallsBackToRlimitWithoutCgroups) {
  SandboxRequest r = Request("u16", {"sleep", "60"});
  r.spec.resources.memory = specs::Quantity{"64Mi", int64_t{64} * 1024 * 1024 * 1000};
  r.spec.resources.pids = 50;
  Observed o = Create(r);
  std::string limits = ReadText("/proc/" + o.id + "/limits");
  EXPECT_NE(limits.find("Max data size             67108864"), std::string::npos) << limits;
  EXPECT_NE(o.message.find("not enforced"), std::string::npos) << o.message;
}

TEST_F(FilesystemProviderTest, WritesCgroupLimitsWhereACgroupTreeIsWritable) {
  // A stand-in for /sys/fs/cgroup: plain files, so the test runs anywhere.
  std::string root = tmp_.Sub("cgroup");
  fs::create_directories(root);
  std::ofstream(root + "/cgroup.controllers") << "cpuset cpu io memory pids\n";
  FilesystemOptions options = Options();
  options.cgroup_root = root;
  provider_ = NewFilesystemProvider(options);
  SandboxRequest r = Request("u17", {"sleep", "60"});
  r.spec.resources.cpu = specs::Quantity{"500m", 500};
  r.spec.resources.memory = specs::Quantity{"64Mi", int64_t{64} * 1024 * 1024 * 1000};
  r.spec.resources.pids = 50;
  Observed o = Create(r);
  std::string cgroup = root + "/sesame/u17";
  EXPECT_EQ(ReadText(cgroup + "/memory.max"), "67108864");
  EXPECT_EQ(ReadText(cgroup + "/cpu.max"), "50000 100000");
  EXPECT_EQ(ReadText(cgroup + "/pids.max"), "50");
  EXPECT_EQ(ReadText(root + "/sesame/cgroup.subtree_control"), "+cpu +memory +pids");
  r.spec.resources.pids = 80;
  ASSERT_TRUE(provider_->Update(o, r).ok());
  EXPECT_EQ(ReadText(cgroup + "/pids.max"), "80");
}

}  // namespace
}  // namespace sesame::providers::filesystem
