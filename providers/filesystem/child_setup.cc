#include "providers/filesystem/child_setup.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "security/namespace_launch.h"

namespace sesame::providers::filesystem {

void ChildFail(int report_fd, int step, const char* what) {
  security::SetupReport e;
  e.step = step;
  e.error = errno;
  for (size_t i = 0; what[i] != '\0' && i + 1 < sizeof e.what; ++i) e.what[i] = what[i];
  [[maybe_unused]] ssize_t n = ::write(report_fd, &e, sizeof e);
  ::_exit(127);
}

void ResetChildSignals() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
}

bool SetUpChildStdio(const int (&targets)[3], int devnull, int& report_fd) {
  int sources[3];
  for (int i = 0; i < 3; ++i) {
    // Move sources out of 0..2 first so that dup2 does not clobber them.
    int src = targets[i] < 0 ? devnull : targets[i];
    if (src >= 0 && src < 3) src = ::fcntl(src, F_DUPFD_CLOEXEC, 3);
    sources[i] = src;
  }
  if (report_fd < 3) report_fd = ::fcntl(report_fd, F_DUPFD_CLOEXEC, 3);
  for (int i = 0; i < 3; ++i) {
    if (sources[i] < 0 || ::dup2(sources[i], i) < 0) return false;
  }
  return true;
}

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

Result<ChildProcess> AwaitExec(ChildProcess child, int report_read, const std::string& exe,
                               const std::string& cwd) {
  security::SetupReport error;
  ssize_t n;
  do {
    n = ::read(report_read, &error, sizeof error);
  } while (n < 0 && errno == EINTR);
  if (n != sizeof error) return child;  // EOF: exec succeeded (close-on-exec)
  child.Wait();
  std::string what = std::strerror(error.error);
  switch (error.step) {
    case kStepChdir:
      return InternalError("cannot enter workspace " + cwd + ": " + what);
    case security::kSandboxSetupStep:
      return Status(Code::kTerminal, std::string("sandbox setup failed: ") + error.what + ": " + what)
          .WithReason("SandboxSetupFailed");
    case kStepExec:
      if (error.error == ENOENT) return NotFoundError(exe + ": " + what);
      return Status(Code::kPermissionDenied, "cannot run " + exe + ": " + what);
    default:
      return InternalError("cannot set up stdio: " + what);
  }
}

}  // namespace sesame::providers::filesystem
