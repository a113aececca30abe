// The bubblewrap backend (security/bwrap_launch.h): how the probe chooses
// it, the bwrap options made from a mount plan, and a real sandbox whose
// session command runs under bwrap (the escape battery's fixture with the
// backend forced; escape_bwrap_test runs the whole battery so too). The
// session command records what it sees in the workspace, so the checks
// below are of bwrap's process itself, not only of commands entered later.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "providers/filesystem/state_file.h"
#include "security/bwrap_launch.h"
#include "security/mount_plan.h"
#include "tests/security/escape_fixture.h"

namespace sesame::security {
namespace {

// --- choosing the backend ---------------------------------------------------

ProbeResult AdequateForBoth() {
  ProbeResult r;
  r.root = true;
  r.mount_namespace = r.pid_namespace = r.net_namespace = r.idmapped_mounts = true;
  r.seccomp = r.seccomp_notify = true;
  r.landlock_abi = 6;
  r.bwrap_path = "/usr/bin/bwrap";
  r.bwrap_works = true;
  return r;
}

TEST(BwrapChoice, NativeIsPreferredWhenAdequate) {
  ProbeResult r = AdequateForBoth();
  ChooseBackend(r);
  EXPECT_EQ(r.backend, Backend::kNative);
  EXPECT_EQ(r.problem, "");
}

TEST(BwrapChoice, BubblewrapWhenNativeIsNotAdequate) {
  ProbeResult r = AdequateForBoth();
  r.pid_namespace = false;
  ChooseBackend(r);
  EXPECT_EQ(r.backend, Backend::kBubblewrap);
  EXPECT_NE(r.problem.find("native backend unavailable (pid namespaces"), std::string::npos) << r.problem;
  EXPECT_NE(r.Summary().find("bubblewrap (/usr/bin/bwrap"), std::string::npos) << r.Summary();
}

TEST(BwrapChoice, NoneWhenNeitherWorks) {
  ProbeResult r = AdequateForBoth();
  r.net_namespace = false;
  r.bwrap_works = false;
  r.bwrap_problem = "setting up uid map: Permission denied";
  ChooseBackend(r);
  EXPECT_EQ(r.backend, Backend::kNone);
  EXPECT_NE(r.problem.find("network namespaces"), std::string::npos) << r.problem;
  EXPECT_NE(r.problem.find("uid map: Permission denied"), std::string::npos) << r.problem;
}

TEST(BwrapChoice, ForcedBackendIsUsedOrClearlyRefused) {
  ProbeResult r = AdequateForBoth();
  r.forced = "bubblewrap";
  ChooseBackend(r);
  EXPECT_EQ(r.backend, Backend::kBubblewrap);
  EXPECT_NE(r.Summary().find("forced"), std::string::npos) << r.Summary();
  EXPECT_NE(r.ToString().find("backend: bubblewrap (SESAME_SECURITY_BACKEND=bubblewrap)"), std::string::npos)
      << r.ToString();

  r.bwrap_path.clear();
  ChooseBackend(r);
  EXPECT_EQ(r.backend, Backend::kNone);
  EXPECT_NE(r.problem.find("forced by SESAME_SECURITY_BACKEND) is unavailable: bubblewrap not found"),
            std::string::npos)
      << r.problem;

  r = AdequateForBoth();
  r.forced = "native";
  r.idmapped_mounts = false;
  ChooseBackend(r);
  EXPECT_EQ(r.backend, Backend::kNone);
  EXPECT_NE(r.problem.find("id-mapped mounts"), std::string::npos) << r.problem;

  r = AdequateForBoth();
  r.forced = "gvisor";
  ChooseBackend(r);
  EXPECT_EQ(r.backend, Backend::kNone);
  EXPECT_NE(r.problem.find("SESAME_SECURITY_BACKEND=gvisor is not a backend"), std::string::npos) << r.problem;
}

TEST(BwrapChoice, TheRealProbeRanBubblewrap) {
  // bwrap is installed where the tests run (scripts/install-deps).
  ProbeResult r = RunProbe();
  ASSERT_FALSE(r.bwrap_path.empty()) << r.ToString();
  EXPECT_TRUE(r.bwrap_works) << r.bwrap_problem;
  EXPECT_NE(r.ToString().find("bubblewrap: " + r.bwrap_path + " (works)"), std::string::npos) << r.ToString();
}

// --- bwrap's options ----------------------------------------------------------

TEST(BwrapArgs, FollowThePlanWithBwrapsOwnDev) {
  MountPlan plan;
  auto add = [&](MountOp::Kind kind, std::string source, std::string target, bool ro = false,
                 std::string data = "", int fd = -1) {
    plan.ops.push_back({kind, std::move(source), std::move(target), ro, std::move(data), fd});
  };
  add(MountOp::kBind, "/", "/", true);
  add(MountOp::kProc, "", "/proc");
  add(MountOp::kTmpfs, "", "/dev", false, "mode=0755,size=1m");
  add(MountOp::kMkfile, "", "/dev/null");
  add(MountOp::kBind, "/dev/null", "/dev/null");
  add(MountOp::kMkdir, "", "/dev/pts");
  add(MountOp::kDevpts, "", "/dev/pts");
  add(MountOp::kMkdir, "", "/dev/shm");
  add(MountOp::kTmpfs, "", "/dev/shm", false, "mode=1777");
  add(MountOp::kSymlink, "/proc/self/fd", "/dev/fd");
  add(MountOp::kTmpfs, "", "/tmp", false, "mode=1777");
  add(MountOp::kTmpfs, "", "/srv/secret", false, "mode=0755,size=64k");
  add(MountOp::kMkdir, "", "/srv/secret/ws");
  add(MountOp::kRemountRo, "", "/srv/secret");
  add(MountOp::kIdmappedBind, "/srv/secret/ws", "/srv/secret/ws", false, "", 9);
  add(MountOp::kBind, "/state/home", "/root");
  add(MountOp::kBind, "/state/empty", "/srv/secret/ws/.env", true);
  add(MountOp::kMkfile, "", "/tmp/file-root");
  auto args = BwrapMountArgs(plan, 7);
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  std::vector<std::string> expected = {
      "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
      "--perms", "1777", "--tmpfs", "/dev/shm", "--perms", "1777", "--tmpfs", "/tmp",
      "--perms", "0755", "--size", "65536", "--tmpfs", "/srv/secret", "--dir", "/srv/secret/ws",
      "--remount-ro", "/srv/secret", "--bind", "/srv/secret/ws", "/srv/secret/ws",
      "--bind", "/state/home", "/root", "--ro-bind", "/state/empty", "/srv/secret/ws/.env",
      "--file", "7", "/tmp/file-root"};
  EXPECT_EQ(*args, expected);
}

TEST(BwrapArgs, CommandBlocksUntilReleasedAndRunsTheHelper) {
  BwrapLaunch l;
  l.bwrap = "/usr/bin/bwrap";
  l.helper = "/opt/sesame";
  l.identity = {2000000001, 2000000001, false};
  l.mount_args = {"--ro-bind", "/", "/"};
  l.writable = {"/ws"};
  l.info_fd = 11;
  l.block_fd = 12;
  l.notify_fd = 13;
  l.life_fd = 14;
  l.ready_fd = 15;
  std::vector<std::string> argv = BwrapCommand(l, {"sh", "-c", "true"}, "/ws");
  std::string joined;
  for (const std::string& a : argv) joined += a + " ";
  for (const char* part : {"/usr/bin/bwrap --die-with-parent --new-session --as-pid-1 ",
                           "--unshare-pid --unshare-net --unshare-ipc --unshare-uts --hostname sandbox ",
                           "--info-fd 11 --block-fd 12 --ro-bind / / --cap-drop ALL --cap-add CAP_SETUID ",
                           "--chdir /ws --ro-bind /opt/sesame /dev/.sesame-helper -- /dev/.sesame-helper "
                           "__apply-seccomp --uid 2000000001 --gid 2000000001 "
                           "--notify-fd 13 --life-fd 14 --ready-fd 15 --writable /ws -- sh -c true "}) {
    EXPECT_NE(joined.find(part), std::string::npos) << part << " in " << joined;
  }
  EXPECT_EQ(joined.find("--unshare-user"), std::string::npos);  // as root: the host's user namespace
  l.identity.user_namespace = true;
  joined.clear();
  for (const std::string& a : BwrapCommand(l, {}, "/")) joined += a + " ";
  EXPECT_NE(joined.find("--unshare-user"), std::string::npos) << joined;
  EXPECT_EQ(joined.find("--cap-add"), std::string::npos) << joined;
  EXPECT_NE(joined.find("--writable /ws --idle "), std::string::npos) << joined;
}

// --- a real sandbox under bwrap ---------------------------------------------

// What the session command (run by bwrap, before any exec) records.
constexpr char kSessionScript[] =
    "{ echo uid=$(id -u);"
    "  grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status;"
    "  echo links=$(awk -F: 'NR>2 {gsub(/ /, \"\", $1); print $1}' /proc/net/dev);"
    "  curl -sS -m 10 -i http://denied-session.example.com/ | head -1;"
    "  echo x > /etc/sesame-bwrap-session || echo write-refused;"
    "  unshare -U true || echo unshare-refused;"
    "  echo done; } > session.txt 2>&1; exec sleep 600";

class BwrapSessionTest : public EscapeTest {
 protected:
  static void SetUpTestSuite() {
    ::setenv(kBackendEnv, "bubblewrap", 1);  // before the first probe
    session_command_ = {"sh", "-c", kSessionScript};
    EscapeTest::SetUpTestSuite();
  }

  // session.txt once the session command has written all of it.
  static std::string SessionReport() {
    std::string text;
    for (int i = 0; i < 500 && text.find("done\n") == std::string::npos; ++i) {
      std::ifstream in(workspace_ + "/session.txt");
      text.assign(std::istreambuf_iterator<char>(in), {});
      if (text.find("done\n") == std::string::npos) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return text;
  }

  // The host pids of every process in the sandbox's pid namespace.
  static std::vector<pid_t> SandboxPids() {
    auto state = providers::filesystem::LoadState(state_dir_);
    if (!state.ok()) return {};
    std::error_code ec;
    std::string pidns = fs::read_symlink("/proc/" + std::to_string(state->sandbox_init.pid) + "/ns/pid", ec);
    std::vector<pid_t> pids;
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::string name = entry.path().filename().string();
      if (ec || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
      std::error_code gone;
      if (fs::read_symlink(entry.path() / "ns/pid", gone).string() == pidns && !gone) pids.push_back(std::atoi(name.c_str()));
    }
    return pids;
  }

  static std::string ProcStatus(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    return StatusField(std::string(std::istreambuf_iterator<char>(in), {}), field);
  }
  // `field` of one /proc/PID/status snapshot (a process may end between
  // two reads).
  static std::string StatusField(const std::string& status, const std::string& field) {
    std::istringstream lines(status);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
    }
    return "";
  }
};

TEST_F(BwrapSessionTest, TheProbeChoseBubblewrapAndTheSupervisorUsedIt) {
  EXPECT_EQ(CachedProbe().backend, Backend::kBubblewrap) << CachedProbe().ToString();
  ASSERT_TRUE(observed_->security.has_value());
  EXPECT_TRUE(observed_->security->enforced);
  EXPECT_NE(observed_->security->message.find("bubblewrap ("), std::string::npos) << observed_->security->message;
  auto state = providers::filesystem::LoadState(state_dir_);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->security_backend, "bubblewrap");
  // The supervisor's child is bwrap; the sandbox's pid 1 is its child.
  std::ifstream stat("/proc/" + std::to_string(state->sandbox_init.pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  pid_t parent = std::atoi(line.substr(line.rfind(')') + 4).c_str());
  std::ifstream comm("/proc/" + std::to_string(parent) + "/comm");
  std::string name;
  std::getline(comm, name);
  EXPECT_EQ(name, "bwrap");
}

TEST_F(BwrapSessionTest, SessionRunsUnprivilegedWithSeccompAndOnlyLoopback) {
  std::string report = SessionReport();
  ASSERT_NE(report.find("done\n"), std::string::npos) << report;
  EXPECT_EQ(report.find("uid=0\n"), std::string::npos) << report;
  EXPECT_NE(report.find("CapEff:\t0000000000000000"), std::string::npos) << report;
  EXPECT_NE(report.find("NoNewPrivs:\t1"), std::string::npos) << report;
  EXPECT_NE(report.find("Seccomp:\t2"), std::string::npos) << report;
  EXPECT_NE(report.find("links=lo\n"), std::string::npos) << report;
  // What the sandbox writes in the workspace keeps its owner on disk.
  struct stat st{};
  ASSERT_EQ(::stat((workspace_ + "/session.txt").c_str(), &st), 0);
  struct stat ws{};
  ASSERT_EQ(::stat(workspace_.c_str(), &ws), 0);
  EXPECT_EQ(st.st_uid, ws.st_uid);
}

TEST_F(BwrapSessionTest, NoProcessOfTheSandboxIsRootOnTheHost) {
  int seen = 0;
  for (pid_t pid : SandboxPids()) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string status(std::istreambuf_iterator<char>(in), {});
    std::string uids = StatusField(status, "Uid");
    if (uids.empty()) continue;  // gone meanwhile
    ++seen;
    EXPECT_EQ(uids.find("\t0\t"), std::string::npos) << pid << " Uid:" << uids;
    EXPECT_NE(uids.substr(0, 2), "\t0") << pid << " Uid:" << uids;
    EXPECT_EQ(StatusField(status, "CapEff"), "\t0000000000000000") << pid;
  }
  EXPECT_GE(seen, 2);  // pid 1 (the helper) and the session's sleep
}

TEST_F(BwrapSessionTest, SuspendStopsEveryProcessOfTheSandbox) {
  ASSERT_NE(SessionReport().find("done\n"), std::string::npos);  // only the sleep is left
  Status suspended = provider_->Suspend(*observed_);
  std::ifstream st(state_dir_ + "/state.json"), log(state_dir_ + "/output.log");
  ASSERT_TRUE(suspended.ok()) << suspended.ToString() << std::string(std::istreambuf_iterator<char>(st), {})
                              << std::string(std::istreambuf_iterator<char>(log), {});
  std::vector<pid_t> pids = SandboxPids();
  ASSERT_GE(pids.size(), 2u);
  for (pid_t pid : pids) EXPECT_EQ(ProcStatus(pid, "State").substr(0, 2), "\tT") << pid << ProcStatus(pid, "Name");
  ASSERT_TRUE(provider_->Resume(*observed_).ok());
  for (pid_t pid : SandboxPids()) EXPECT_NE(ProcStatus(pid, "State").substr(0, 2), "\tT") << pid;
  EXPECT_EQ(Sh("echo alive").out, "alive\n");
}

TEST_F(BwrapSessionTest, AnIdleSandboxTakesExecdCommandsAndDiesWithItsSupervisor) {
  std::string workspace = base_ + "/idle-ws";
  fs::create_directories(workspace);
  providers::SandboxRequest r;
  r.key = {"Sandbox", "default", "idle"};
  r.uid = "bwrap-idle-box";
  r.spec.agent = "claude";
  r.workspace_dir = workspace;
  PolicyInput in;
  in.spec = &r.spec;
  in.workspace = workspace;
  in.home = home_;
  in.sesame_home = sesame_home_;
  r.policy = ComputePolicy(in);
  auto created = provider_->Create(r);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  struct Deleter {
    providers::Observed o;
    ~Deleter() { (void)provider_->Delete(o); }
  } cleanup{*created};
  ShResult run;
  providers::Streams streams;
  streams.on_stdout = [&](std::string_view out) { run.out += out; };
  streams.on_stderr = [&](std::string_view err) { run.err += err; };
  providers::ExecRequest req;
  req.command = {"sh", "-c", "id -u; hostname; echo hi > here.txt && cat here.txt"};
  req.timeout = Millis(20000);
  auto code = provider_->Exec(*created, req, streams);
  std::ifstream st(state_root_ + "/" + r.uid + "/state.json"), log(state_root_ + "/" + r.uid + "/output.log");
  ASSERT_TRUE(code.ok()) << code.status().ToString() << std::string(std::istreambuf_iterator<char>(st), {})
                         << std::string(std::istreambuf_iterator<char>(log), {});
  EXPECT_EQ(*code, 0) << run.err;
  EXPECT_EQ(run.out.find("0\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("sandbox\nhi\n"), std::string::npos) << run.out;
  auto state = providers::filesystem::LoadState(state_root_ + "/" + r.uid);
  ASSERT_TRUE(state.ok());
  pid_t init = state->sandbox_init.pid;
  ASSERT_GT(init, 0);
  // A supervisor killed outright takes its sandbox with it.
  ASSERT_EQ(::kill(state->supervisor.pid, SIGKILL), 0);
  for (int i = 0; i < 200 && ::kill(init, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(::kill(init, 0), 0) << "the idle sandbox outlived its supervisor";
  ASSERT_TRUE(provider_->Delete(*created).ok());
  // No mount made for bwrap reached the host.
  std::ifstream mounts("/proc/self/mountinfo");
  std::string all((std::istreambuf_iterator<char>(mounts)), {});
  EXPECT_EQ(all.find(workspace), std::string::npos);
}

TEST_F(BwrapSessionTest, TheProxyAnswersTheFirstConnectionAndRefusals) {
  // The session's very first network call went through: the listeners were
  // in place before bwrap let the command run.
  std::string report = SessionReport();
  EXPECT_NE(report.find("HTTP/1.1 403"), std::string::npos) << report;
  EXPECT_NE(Violations("denied-session.example.com:80").find("denied-session.example.com:80"), std::string::npos);
  ShResult r = Sh("env -u NO_PROXY -u no_proxy curl -sS -m 10 http://127.0.0.1:" + std::to_string(upstream_->port()) + "/");
  EXPECT_EQ(r.out, "upstream-ok") << r.err;
}

TEST_F(BwrapSessionTest, SessionViolationsAreRecordedThroughTheHelpersListener) {
  std::string report = SessionReport();
  EXPECT_NE(report.find("write-refused"), std::string::npos) << report;
  EXPECT_NE(report.find("unshare-refused"), std::string::npos) << report;
  EXPECT_FALSE(fs::exists("/etc/sesame-bwrap-session"));
  std::string v = Violations("/etc/sesame-bwrap-session");
  EXPECT_NE(v.find("\"target\":\"/etc/sesame-bwrap-session\""), std::string::npos) << v;
  EXPECT_NE(Violations("CLONE_NEWUSER").find("CLONE_NEWUSER"), std::string::npos) << v;
}

TEST_F(BwrapSessionTest, KeyEscapesFailInExecdCommandsToo) {
  ShResult secret = Sh("cat " + home_ + "/.ssh/id_rsa");
  EXPECT_NE(secret.code, 0);
  EXPECT_EQ(secret.out.find("PRIVATE"), std::string::npos);
  ShResult outside = Sh("echo x > " + base_ + "/outside.txt");
  EXPECT_NE(outside.code, 0);
  EXPECT_FALSE(fs::exists(base_ + "/outside.txt"));
  EXPECT_NE(Violations(base_ + "/outside.txt").find(base_ + "/outside.txt"), std::string::npos);
  ShResult hook = Sh("echo x > .git/hooks/pre-commit");
  EXPECT_NE(hook.code, 0);
  EXPECT_FALSE(fs::exists(workspace_ + "/.git/hooks/pre-commit"));
  ShResult ptrace = Sh(Python("import ctypes\nl=ctypes.CDLL(None,use_errno=True)\n"
                              "print(l.ptrace(16,1,0,0), ctypes.get_errno())"));
  EXPECT_EQ(ptrace.out, "-1 1\n") << ptrace.err;
  EXPECT_NE(Violations("ptrace").find("ptrace"), std::string::npos);
  ShResult ok = Sh("echo ok > a.txt && cat a.txt && echo t > /tmp/t && cat /tmp/t");
  EXPECT_EQ(ok.out, "ok\nt\n") << ok.err;
}

}  // namespace
}  // namespace sesame::security
