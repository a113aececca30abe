// The warm worker without OS-level sandboxing (the secured one is checked
// against a cold session through the binary and a controller in
// tests/e2e/pool_test.cc): it holds none of the supervisor's fds while it
// waits, execs the session it is sent with exactly that environment and
// stdio, and reports a missing command as Spawn does.
#include "providers/filesystem/warm_worker.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace sesame::providers::filesystem {
namespace {

namespace fs = std::filesystem;

// What the fds of `pid` from 3 up point to.
std::multiset<std::string> FdsOf(pid_t pid) {
  std::multiset<std::string> targets;
  for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    if (std::stoi(e.path().filename().string()) < 3) continue;
    std::error_code ec;
    targets.insert(fs::read_symlink(e.path(), ec).string());
  }
  return targets;
}

// The worker: this process's only child leading a group of its own.
pid_t WorkerPid() {
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t p = std::stoi(name);
    std::ifstream stat("/proc/" + name + "/stat");
    std::string line;
    std::getline(stat, line);
    size_t close = line.rfind(')');
    if (close == std::string::npos || p == ::getpid()) continue;
    // Fields after the command: state, ppid.
    if (std::stoi(line.substr(close + 4)) == ::getpid() && ::getpgid(p) == p) return p;
  }
  return 0;
}

SpawnOptions Workspace() {
  SpawnOptions spawn;
  spawn.cwd = fs::temp_directory_path().string();
  return spawn;
}

TEST(WarmWorkerTest, WaitsHoldingNoneOfTheSupervisorsFds) {
  // As the supervisor's start report to the provider, whose EOF the
  // provider waits for: without close-on-exec even, the worker must not
  // keep it.
  std::string marker = fs::temp_directory_path() / ("warm-worker-fd-" + std::to_string(::getpid()));
  UniqueFd report(::open(marker.c_str(), O_WRONLY | O_CREAT, 0600));
  ASSERT_TRUE(report.valid());
  Result<std::unique_ptr<WarmWorker>> worker = WarmWorker::Start(Workspace());
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  pid_t pid = WorkerPid();
  ASSERT_GT(pid, 0);
  std::multiset<std::string> fds = FdsOf(pid);
  fs::remove(marker);
  EXPECT_FALSE(fds.count(marker)) << "the worker kept " << marker;
  // Above 0..2 (the supervisor's, replaced at the claim): the session
  // socket, the report pipe, the session's stdin, stdout and stderr, and
  // /dev/null.
  size_t sockets = 0, pipes = 0;
  for (const std::string& t : fds) {
    sockets += t.rfind("socket:", 0) == 0;
    pipes += t.rfind("pipe:", 0) == 0;
  }
  EXPECT_EQ(sockets, 1u);
  EXPECT_EQ(pipes, 4u);
  EXPECT_TRUE(fds.count("/dev/null"));
  EXPECT_EQ(fds.size(), 6u);
}

TEST(WarmWorkerTest, ExecsTheSessionWithItsEnvironmentAndStdio) {
  Result<std::unique_ptr<WarmWorker>> worker = WarmWorker::Start(Workspace());
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  std::vector<std::string> argv = {"sh", "-c", "env | sort; ls /proc/self/fd | tr '\\n' ' '; cat; echo err >&2"};
  std::vector<std::string> env = {"PATH=/usr/bin:/bin", "GREETING=a b=c", "EMPTY="};
  pid_t told = 0;  // before the exec: the pid to supervise
  Result<ChildProcess> child = (*worker)->Exec(argv, env, "/usr/bin:/bin", true, [&](pid_t pid) { told = pid; });
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  EXPECT_EQ(told, child->pid());
  SessionPipes& pipes = (*worker)->pipes();
  ASSERT_TRUE(WriteAll(pipes.in.write.get(), "from-stdin\n").ok());
  pipes.in.write.Reset();
  std::string out = ReadUntilEof(pipes.out.read.get());
  std::string err = ReadUntilEof(pipes.err.read.get());
  EXPECT_EQ(child->Wait(), 0);
  // sh adds PWD; nothing else comes from the supervisor's environment.
  EXPECT_EQ(out, "EMPTY=\nGREETING=a b=c\nPATH=/usr/bin:/bin\nPWD=" + Workspace().cwd +
                     "\n0 1 2 3 from-stdin\n");
  EXPECT_EQ(err, "err\n");
}

TEST(WarmWorkerTest, WithoutStdinTheSessionReadsDevNull) {
  Result<std::unique_ptr<WarmWorker>> worker = WarmWorker::Start(Workspace());
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  Result<ChildProcess> child = (*worker)->Exec({"sh", "-c", "readlink /proc/self/fd/0"}, {}, "/usr/bin:/bin", false);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  EXPECT_EQ(ReadUntilEof((*worker)->pipes().out.read.get()), "/dev/null\n");
  EXPECT_EQ(child->Wait(), 0);
}

TEST(WarmWorkerTest, AMissingCommandIsReportedAsSpawnReportsIt) {
  Result<std::unique_ptr<WarmWorker>> worker = WarmWorker::Start(Workspace());
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  Result<ChildProcess> child = (*worker)->Exec({"no-such-command-here"}, {}, "/usr/bin:/bin", false);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.status().code(), Code::kNotFound) << child.status().ToString();
  EXPECT_EQ(ExitCodeForSpawnFailure(child.status()), 127);
}

TEST(WarmWorkerTest, AWorkerThatIsGoneStartsNothingAndSaysSo) {
  SpawnOptions spawn = Workspace();
  Result<std::unique_ptr<WarmWorker>> worker = WarmWorker::Start(spawn);
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  std::string marker = fs::temp_directory_path() / ("warm-worker-gone-" + std::to_string(::getpid()));
  fs::remove(marker);
  pid_t pid = WorkerPid();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  // Its stdout's write end was only in the worker: EOF once it is gone.
  ASSERT_EQ(ReadUntilEof((*worker)->pipes().out.read.get()), "");
  Result<ChildProcess> child = (*worker)->Exec({"touch", marker}, {}, "/usr/bin:/bin", false);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.status().code(), Code::kUnavailable) << child.status().ToString();
  EXPECT_FALSE(fs::exists(marker));
}

}  // namespace
}  // namespace sesame::providers::filesystem
