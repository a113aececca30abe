#include "providers/filesystem/launcher.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "providers/filesystem/process.h"

namespace sesame::providers::filesystem {
namespace {

std::vector<char*> CStrings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// The grandchild: only async-signal-safe calls until execve.
[[noreturn]] void ExecDetached(char* const* argv, char* const* envp, int inherited_fd) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  int keep = ::fcntl(inherited_fd, F_DUPFD, 10);
  int devnull = ::open("/dev/null", O_RDWR);
  if (keep < 0 || devnull < 0) ::_exit(126);
  for (int fd = 0; fd < 3; ++fd) ::dup2(devnull, fd);
  ::dup2(keep, kInheritedFd);  // dup2 clears close-on-exec
  ::close_range(kInheritedFd + 1, ~0U, 0);
  ::execve(argv[0], argv, envp);
  ::_exit(127);
}

}  // namespace

Result<pid_t> LaunchDetached(const std::vector<std::string>& argv,
                             const std::vector<std::string>& env, int inherited_fd) {
  if (argv.empty()) return InvalidError("no supervisor command");
  std::vector<char*> args = CStrings(argv);
  std::vector<char*> envp = CStrings(env);
  Result<FdPair> report = MakePipe();
  if (!report.ok()) return report.status();

  pid_t middle = ::fork();
  if (middle < 0) return InternalError(std::string("fork: ") + std::strerror(errno));
  if (middle == 0) {
    // A new session: no controlling terminal, not in the controller's
    // process group, so neither kill -9 of the controller's group nor a
    // terminal hangup reaches it. The middle process exits at once, so the
    // grandchild is re-parented to init (or the nearest subreaper).
    ::setsid();
    pid_t grandchild = ::fork();
    if (grandchild == 0) ExecDetached(args.data(), envp.data(), inherited_fd);
    [[maybe_unused]] ssize_t n = ::write(report->write.get(), &grandchild, sizeof grandchild);
    ::_exit(grandchild < 0 ? 1 : 0);
  }
  report->write.Reset();
  pid_t grandchild = -1;
  ssize_t n;
  do {
    n = ::read(report->read.get(), &grandchild, sizeof grandchild);
  } while (n < 0 && errno == EINTR);
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != sizeof grandchild || grandchild <= 0) return InternalError("cannot fork the supervisor");
  return grandchild;
}

}  // namespace sesame::providers::filesystem
