#include "providers/filesystem/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "providers/filesystem/child_setup.h"

namespace sesame::providers::filesystem {
namespace {

// Runs in the forked child: only async-signal-safe calls.
[[noreturn]] void RunChild(const SpawnOptions& o, const char* exe, char* const* argv,
                           char* const* envp, int report_fd, const char* search_path) {
  const security::BwrapLaunch* bwrap = o.sandbox ? o.sandbox->bwrap : nullptr;
  bool native = o.sandbox != nullptr && bwrap == nullptr;
  if (!native) ::setpgid(0, 0);  // native: the launch did
  if (!o.cgroup.empty() && !native) {
    int fd = ::open((o.cgroup + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      [[maybe_unused]] ssize_t n = ::write(fd, "0", 1);
      ::close(fd);
    }
  }
  ApplyRlimits(o.rlimits);
  ResetChildSignals();
  int targets[3] = {o.stdin_fd, o.stdout_fd, o.stderr_fd};
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (!SetUpChildStdio(targets, devnull, report_fd)) ChildFail(report_fd, kStepFds);
  // Whatever the parent left open without close-on-exec stays out of the
  // sandbox.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  if (bwrap != nullptr) {  // the working directory is bwrap's --chdir
    const char* what = "";
    if (int e = security::PrepareBwrapExec(*bwrap, &what); e != 0) {
      errno = e;
      ChildFail(report_fd, security::kSandboxSetupStep, what);
    }
    ::execve(exe, argv, envp);
    ChildFail(report_fd, kStepExec);
  }
  if (::chdir(o.cwd.c_str()) != 0) ChildFail(report_fd, kStepChdir);
  if (o.sandbox != nullptr) {
    const char* what = "";
    if (int e = security::ApplyWorkerPlan(*o.sandbox->worker, o.sandbox->control_fd, &what); e != 0) {
      errno = e;
      ChildFail(report_fd, security::kSandboxSetupStep, what);
    }
    ExecSearching(exe, argv, envp, search_path);
    ChildFail(report_fd, kStepExec);
  }
  ::execve(exe, argv, envp);
  ChildFail(report_fd, kStepExec);
}

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<ChildProcess> Spawn(const SpawnOptions& options) {
  const security::BwrapLaunch* bwrap = options.sandbox ? options.sandbox->bwrap : nullptr;
  if (options.argv.empty() && bwrap == nullptr) return InvalidError("empty command");
  std::vector<std::string> args =
      bwrap ? security::BwrapCommand(*bwrap, options.argv, options.cwd) : options.argv;
  // Sandboxed, the PATH is searched inside (its /tmp and $HOME differ).
  std::string search_path = CommandSearchPath(options.env);
  Result<std::string> exe = options.sandbox ? Result<std::string>(args[0])
                                             : ResolveExecutable(args[0], options.env);
  if (!exe.ok()) return exe.status();
  std::vector<char*> argv = CStrings(args);
  std::vector<char*> envp = CStrings(options.env);
  Result<FdPair> report = MakePipe();
  if (!report.ok()) return report.status();

  pid_t pid;
  security::InitOptions init;
  if (options.sandbox != nullptr && options.sandbox->init != nullptr) {
    init = *options.sandbox->init;
    init.report_fd = report->write.get();
    pid = security::StartSandboxInit(init);
  } else if (options.sandbox != nullptr && bwrap == nullptr) {
    pid = security::EnterSandbox(options.sandbox->enter_pidfd, options.sandbox->worker->identity,
                                 options.sandbox->cgroup_procs.c_str(), report->write.get());
  } else {
    pid = ::fork();
  }
  if (pid < 0) return InternalError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    RunChild(options, exe->c_str(), argv.data(), envp.data(), report->write.get(),
             search_path.c_str());
  }
  ::setpgid(pid, pid);  // also here, so the group exists before we signal it
  ChildProcess child(pid);
  report->write.Reset();
  return AwaitExec(std::move(child), report->read.get(), *exe, options.cwd);
}

Result<SessionPipes> MakeSessionPipes() {
  SessionPipes pipes;
  for (FdPair* pair : {&pipes.out, &pipes.err, &pipes.in}) {
    Result<FdPair> made = MakePipe();
    if (!made.ok()) return made.status();
    *pair = std::move(*made);
  }
  return pipes;
}

std::string CommandSearchPath(const std::vector<std::string>& env) {
  return LookupEnv(env, "PATH").value_or("/usr/local/bin:/usr/bin:/bin");
}

int ExitCodeForSpawnFailure(const Status& status) {
  return status.code() == Code::kNotFound ? 127 : 126;
}

}  // namespace sesame::providers::filesystem
