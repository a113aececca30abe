#include "security/hide_path.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.h"
#include "security/namespace_launch.h"
#include "security/notify_monitor.h"

namespace sesame::security {
namespace {

// Mounts the mask inside the sandbox's mount namespace from a child
// process (setns into a mount namespace needs a single-threaded caller).
Status MountMask(pid_t init_pid, const std::string& path) {
  std::string base = "/proc/" + std::to_string(init_pid) + "/ns/";
  UniqueFd mnt(::open((base + "mnt").c_str(), O_RDONLY | O_CLOEXEC));
  UniqueFd user(::open((base + "user").c_str(), O_RDONLY | O_CLOEXEC));
  if (!mnt.valid() || !user.valid()) return Status::Ok();  // the sandbox is gone
  bool join_user = !SameNamespace(user.get(), "/proc/self/ns/user");
  pid_t child = ::fork();
  if (child < 0) return InternalError(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    // Only async-signal-safe calls: the caller has threads.
    if (join_user && ::setns(user.get(), CLONE_NEWUSER) != 0) ::_exit(errno);
    if (::setns(mnt.get(), CLONE_NEWNS) != 0) ::_exit(errno);
    if (::mount("tmpfs", path.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "mode=0755,size=4k") != 0) {
      // Not there inside: already invisible.
      ::_exit(errno == ENOENT || errno == ENOTDIR ? 0 : errno);
    }
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  int e = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
  return UnavailableError("cannot hide " + path + " in the sandbox (pid " + std::to_string(init_pid) +
                          "): " + std::strerror(e));
}

// Tells the supervisor's monitor, so that reads there are recorded.
void TellMonitor(const std::string& state_dir, const std::string& path) {
  std::string socket_path = state_dir + "/" + kNotifySocket;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) return;
  std::strcpy(addr.sun_path, socket_path.c_str());
  UniqueFd sock(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!sock.valid() || ::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
  std::string message = std::string(1, kTagHide) + path;
  [[maybe_unused]] ssize_t n = ::send(sock.get(), message.data(), message.size(), MSG_NOSIGNAL);
}

}  // namespace

Status HideInRunningSandbox(pid_t init_pid, const std::string& state_dir, const std::string& path) {
  if (init_pid <= 0 || path.empty() || path[0] != '/' || path == "/") return Status::Ok();
  SESAME_RETURN_IF_ERROR(MountMask(init_pid, path));
  TellMonitor(state_dir, path);
  return Status::Ok();
}

}  // namespace sesame::security
