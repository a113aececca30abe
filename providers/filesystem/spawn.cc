#include "providers/filesystem/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sesame::providers::filesystem {
namespace {

// Child-side failure report: which step failed, its errno, and for the
// sandbox steps a description (the layout the security launcher writes).
using ChildError = security::SetupReport;

enum Step { kStepChdir = 1, kStepExec, kStepFds };

[[noreturn]] void ChildFail(int report_fd, int step, const char* what = "") {
  ChildError e;
  e.step = step;
  e.error = errno;
  for (size_t i = 0; what[i] != '\0' && i + 1 < sizeof e.what; ++i) e.what[i] = what[i];
  [[maybe_unused]] ssize_t n = ::write(report_fd, &e, sizeof e);
  ::_exit(127);
}

// execvpe without allocation: tries each PATH entry (from `path`, the
// sandbox's PATH) for a name without '/'. Returns only on failure.
void ExecSearching(const char* name, char* const* argv, char* const* envp, const char* path) {
  if (std::strchr(name, '/') != nullptr || path == nullptr) {
    ::execve(name, argv, envp);
    return;
  }
  int saved = ENOENT;
  char buf[4096];
  const char* p = path;
  while (true) {
    const char* end = std::strchr(p, ':');
    size_t len = end ? static_cast<size_t>(end - p) : std::strlen(p);
    size_t name_len = std::strlen(name);
    if (len + name_len + 2 < sizeof buf) {
      std::memcpy(buf, p, len);
      size_t at = len;
      if (len == 0) buf[at++] = '.';
      buf[at++] = '/';
      std::memcpy(buf + at, name, name_len + 1);
      ::execve(buf, argv, envp);
      if (errno != ENOENT && errno != ENOTDIR) saved = errno;
    }
    if (end == nullptr) break;
    p = end + 1;
  }
  errno = saved;
}

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
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);

  int targets[3] = {o.stdin_fd, o.stdout_fd, o.stderr_fd};
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int i = 0; i < 3; ++i) {
    // Move sources out of 0..2 first so that dup2 does not clobber them.
    int src = targets[i] < 0 ? devnull : targets[i];
    if (src < 3) src = ::fcntl(src, F_DUPFD_CLOEXEC, 3);
    targets[i] = src;
  }
  if (report_fd < 3) report_fd = ::fcntl(report_fd, F_DUPFD_CLOEXEC, 3);
  for (int i = 0; i < 3; ++i) {
    if (targets[i] < 0 || ::dup2(targets[i], i) < 0) ChildFail(report_fd, kStepFds);
  }
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
  std::optional<std::string> search_path = LookupEnv(options.env, "PATH");
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
             search_path ? search_path->c_str() : "/usr/local/bin:/usr/bin:/bin");
  }
  ::setpgid(pid, pid);  // also here, so the group exists before we signal it
  ChildProcess child(pid);
  report->write.Reset();

  ChildError error;
  ssize_t n;
  // The sandbox's init keeps no copy of the report pipe, so EOF still means
  // that the command was exec'd.
  do {
    n = ::read(report->read.get(), &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  if (n != sizeof error) return child;  // EOF: exec succeeded (close-on-exec)
  child.Wait();
  std::string what = std::strerror(error.error);
  switch (error.step) {
    case kStepChdir:
      return InternalError("cannot enter workspace " + options.cwd + ": " + what);
    case security::kSandboxSetupStep:
      return Status(Code::kTerminal, std::string("sandbox setup failed: ") + error.what + ": " + what)
          .WithReason("SandboxSetupFailed");
    case kStepExec:
      if (error.error == ENOENT) return NotFoundError(*exe + ": " + what);
      return Status(Code::kPermissionDenied, "cannot run " + *exe + ": " + what);
    default:
      return InternalError("cannot set up stdio: " + what);
  }
}

int ExitCodeForSpawnFailure(const Status& status) {
  return status.code() == Code::kNotFound ? 127 : 126;
}

}  // namespace sesame::providers::filesystem
