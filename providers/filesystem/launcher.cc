#include "providers/filesystem/launcher.h"

#include <fcntl.h>
#include <sched.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "providers/filesystem/child_setup.h"
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
  ResetChildSignals();
  int keep = ::fcntl(inherited_fd, F_DUPFD, 10);
  int devnull = ::open("/dev/null", O_RDWR);
  if (keep < 0 || devnull < 0) ::_exit(126);
  for (int fd = 0; fd < 3; ++fd) ::dup2(devnull, fd);
  ::dup2(keep, kInheritedFd);  // dup2 clears close-on-exec
  ::close_range(kInheritedFd + 1, ~0U, 0);
  ::execve(argv[0], argv, envp);
  ::_exit(127);
}

// What the two short-lived tasks of a launch read and write. They share
// the caller's memory (CLONE_VM): copying a large controller's page tables
// twice per sandbox (fork) was a fifth of its CPU when starting many.
struct Launch {
  char* const* argv;
  char* const* envp;
  int inherited_fd;
  void* grandchild_stack_top;
  pid_t grandchild = -1;
};

int GrandchildMain(void* arg) {
  auto* launch = static_cast<Launch*>(arg);
  ExecDetached(launch->argv, launch->envp, launch->inherited_fd);
}

// A new session: no controlling terminal, not in the controller's process
// group, so neither kill -9 of the controller's group nor a terminal hangup
// reaches it. The middle task exits at once, so the grandchild is
// re-parented to init (or the nearest subreaper). With CLONE_VFORK each
// clone returns once its child has exec'd or exited: the middle writes the
// grandchild's pid before the caller reads it.
int MiddleMain(void* arg) {
  auto* launch = static_cast<Launch*>(arg);
  ::setsid();
  launch->grandchild =
      ::clone(GrandchildMain, launch->grandchild_stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD, launch);
  ::_exit(launch->grandchild < 0 ? 1 : 0);
}

// The stacks of the two tasks (only system calls run on them).
class LaunchStacks {
 public:
  static constexpr size_t kSize = 64 * 1024;
  LaunchStacks() {
    base_ = ::mmap(nullptr, 2 * kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  }
  ~LaunchStacks() {
    if (ok()) ::munmap(base_, 2 * kSize);
  }
  LaunchStacks(const LaunchStacks&) = delete;
  LaunchStacks& operator=(const LaunchStacks&) = delete;
  bool ok() const { return base_ != MAP_FAILED; }
  // Stacks grow down: the top is the end of each half.
  void* top(int i) const { return static_cast<char*>(base_) + (i + 1) * kSize; }

 private:
  void* base_ = MAP_FAILED;
};

}  // namespace

Result<pid_t> LaunchDetached(const std::vector<std::string>& argv,
                             const std::vector<std::string>& env, int inherited_fd) {
  if (argv.empty()) return InvalidError("no supervisor command");
  std::vector<char*> args = CStrings(argv);
  std::vector<char*> envp = CStrings(env);
  LaunchStacks stacks;
  if (!stacks.ok()) return InternalError(std::string("mmap: ") + std::strerror(errno));
  Launch launch{args.data(), envp.data(), inherited_fd, stacks.top(1)};
  pid_t middle = ::clone(MiddleMain, stacks.top(0), CLONE_VM | CLONE_VFORK | SIGCHLD, &launch);
  if (middle < 0) return InternalError(std::string("clone: ") + std::strerror(errno));
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  if (launch.grandchild <= 0) return InternalError("cannot start the supervisor");
  return launch.grandchild;
}

}  // namespace sesame::providers::filesystem
