#include "security/bwrap_launch.h"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "common/unique_fd.h"
#include "security/proxy.h"

namespace sesame::security {
namespace {

// "64k" -> "65536"; "" when `value` is not a size.
std::string SizeBytes(const std::string& value) {
  char* end = nullptr;
  unsigned long long n = std::strtoull(value.c_str(), &end, 10);
  if (end == value.c_str()) return "";
  switch (*end) {
    case 'k': case 'K': n <<= 10; break;
    case 'm': case 'M': n <<= 20; break;
    case 'g': case 'G': n <<= 30; break;
    case '\0': break;
    default: return "";
  }
  return std::to_string(n);
}

// --perms / --size for a tmpfs from its mount data ("mode=0755,size=64k").
void TmpfsArgs(const std::string& data, const std::string& target, std::vector<std::string>& args) {
  size_t pos = 0;
  while (pos <= data.size()) {
    size_t comma = data.find(',', pos);
    std::string option = data.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (option.rfind("mode=", 0) == 0) {
      args.insert(args.end(), {"--perms", option.substr(5)});
    } else if (option.rfind("size=", 0) == 0 && !SizeBytes(option.substr(5)).empty()) {
      args.insert(args.end(), {"--size", SizeBytes(option.substr(5))});
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  args.insert(args.end(), {"--tmpfs", target});
}

void Print(const std::string& line) {
  std::string text = line + "\n";
  [[maybe_unused]] ssize_t n = ::write(2, text.data(), text.size());
}

// The pid after "child-pid": in bwrap's info JSON; 0 while incomplete.
pid_t ParseChildPid(const std::string& text) {
  size_t at = text.find("\"child-pid\"");
  if (at == std::string::npos) return 0;
  at = text.find(':', at);
  if (at == std::string::npos) return 0;
  ++at;
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n')) ++at;
  size_t end = at;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  if (end == at || end == text.size()) return 0;  // no digits yet, or maybe more to come
  return static_cast<pid_t>(std::strtol(text.c_str() + at, nullptr, 10));
}

// Async-signal-safe: waits (up to 10 s) until `lo` is up in the calling
// thread's network namespace. 0 or an errno.
int WaitForLoopback() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return errno;
  int result = ETIMEDOUT;
  for (int i = 0; i < 10000; ++i) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
      result = errno;
      break;
    }
    if (ifr.ifr_flags & IFF_UP) {
      result = 0;
      break;
    }
    timespec ms{0, 1000000};
    ::nanosleep(&ms, nullptr);
  }
  ::close(s);
  return result;
}

// pid 1's SIGIO handler: the supervisor is gone (the life fd hung up).
// The kernel kills the rest of the pid namespace with its init.
void SupervisorGone(int) { ::_exit(137); }

// SIGIO to this process when the last writer of `fd` closes it; 0 or an
// errno. Checked once more afterwards, for a writer already gone.
int ExitWhenHungUp(int fd) {
  struct sigaction sa{};
  sa.sa_handler = SupervisorGone;
  if (::sigaction(SIGIO, &sa, nullptr) != 0) return errno;
  if (::fcntl(fd, F_SETOWN, ::getpid()) != 0) return errno;
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_ASYNC | O_NONBLOCK) != 0) return errno;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLIN))) SupervisorGone(SIGIO);
  return 0;
}

}  // namespace

Result<std::vector<std::string>> BwrapMountArgs(const MountPlan& plan, int empty_fd) {
  std::vector<std::string> args;
  for (const MountOp& op : plan.ops) {
    const std::string& t = op.target;
    // bwrap's --dev makes the nodes, devpts, /dev/shm's directory and the
    // symlinks the plan lists one by one.
    bool in_dev = PathWithin(t, "/dev") && t != "/dev" && t != "/dev/shm";
    switch (op.kind) {
      case MountOp::kBind:
        if (in_dev) break;
        args.insert(args.end(), {op.read_only ? "--ro-bind" : "--bind", op.source, t});
        break;
      case MountOp::kIdmappedBind:
        // Attached over its own host path by PrepareBwrapExec.
        args.insert(args.end(), {"--bind", op.source, t});
        break;
      case MountOp::kTmpfs:
        if (t == "/dev") {
          args.insert(args.end(), {"--dev", "/dev"});
        } else {
          TmpfsArgs(op.data, t, args);
        }
        break;
      case MountOp::kProc:
        args.insert(args.end(), {"--proc", t});
        break;
      case MountOp::kDevpts:
        if (!in_dev) return InvalidError("bubblewrap cannot mount devpts at " + t);
        break;
      case MountOp::kMkdir:
        if (!in_dev && t != "/dev/shm") args.insert(args.end(), {"--dir", t});
        break;
      case MountOp::kMkfile:
        if (in_dev) break;
        if (empty_fd < 0) return InvalidError("no empty file to create " + t + " from");
        args.insert(args.end(), {"--file", std::to_string(empty_fd), t});
        break;
      case MountOp::kSymlink:
        if (!in_dev) args.insert(args.end(), {"--symlink", op.source, t});
        break;
      case MountOp::kRemountRo:
        args.insert(args.end(), {"--remount-ro", t});
        break;
      default:
        return InvalidError("bubblewrap cannot carry out mount operation " + std::to_string(op.kind) + " on " + t);
    }
  }
  return args;
}

std::vector<std::string> BwrapNamespaceArgs(bool user_namespace) {
  std::vector<std::string> args;
  if (user_namespace) args.push_back("--unshare-user");
  for (const char* a : {"--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--hostname", "sandbox"}) {
    args.push_back(a);
  }
  return args;
}

std::vector<std::string> BwrapCommand(const BwrapLaunch& l, const std::vector<std::string>& command,
                                      const std::string& cwd) {
  std::vector<std::string> argv = {l.bwrap, "--die-with-parent", "--new-session", "--as-pid-1"};
  for (std::string& a : BwrapNamespaceArgs(l.identity.user_namespace)) argv.push_back(std::move(a));
  argv.insert(argv.end(), {"--info-fd", std::to_string(l.info_fd), "--block-fd", std::to_string(l.block_fd)});
  argv.insert(argv.end(), l.mount_args.begin(), l.mount_args.end());
  argv.insert(argv.end(), {"--cap-drop", "ALL"});
  if (!l.identity.user_namespace) {
    // For __apply-seccomp only: it drops them with the root uid.
    for (const char* cap : {"CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_DAC_READ_SEARCH"}) {
      argv.insert(argv.end(), {"--cap-add", cap});
    }
  }
  if (!cwd.empty()) argv.insert(argv.end(), {"--chdir", cwd});
  // The helper's own path may be hidden inside (under the private /tmp, a
  // masked $HOME or $SESAME_HOME): it is bound read-only at a fixed place.
  argv.insert(argv.end(), {"--ro-bind", l.helper, kHelperInside});
  argv.insert(argv.end(), {"--", kHelperInside, kApplySeccompCommand, "--uid", std::to_string(l.identity.uid),
                           "--gid", std::to_string(l.identity.gid), "--notify-fd", std::to_string(l.notify_fd),
                           "--life-fd", std::to_string(l.life_fd), "--ready-fd", std::to_string(l.ready_fd)});
  for (const std::string& w : l.writable) argv.insert(argv.end(), {"--writable", w});
  if (command.empty()) {
    argv.push_back("--idle");
  } else {
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
  }
  return argv;
}

int PrepareBwrapExec(const BwrapLaunch& l, const char** what) {
  for (int fd : {l.info_fd, l.block_fd, l.notify_fd, l.empty_fd, l.life_fd, l.ready_fd}) {
    if (fd >= 0 && ::fcntl(fd, F_SETFD, 0) != 0) return *what = "passing fds to bwrap", errno;
  }
  if (l.idmapped.empty()) return 0;
  // Private, so that nothing attached here reaches the host, and gone with
  // bwrap, its last process.
  if (::unshare(CLONE_NEWNS) != 0) return *what = "unshare the mount namespace", errno;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return *what = "make-private /", errno;
  for (const auto& [fd, path] : l.idmapped) {
    if (::move_mount(fd, "", AT_FDCWD, path.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
      return *what = "attach an id-mapped writable root", errno;
    }
  }
  return 0;
}

Result<pid_t> ReadBwrapChildPid(int info_fd, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string text;
  for (;;) {
    if (pid_t pid = ParseChildPid(text); pid > 0) return pid;
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return TerminalError("bubblewrap did not report the sandbox's pid in time");
    pollfd p{info_fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buf[512];
    ssize_t n = ::read(info_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  // EOF: a number at the very end is complete now.
  text += '\n';
  if (pid_t pid = ParseChildPid(text); pid > 0) return pid;
  return UnavailableError("bubblewrap exited before starting the sandbox (its message is in the log)");
}

Status WaitForHelper(int ready_fd, Millis timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return TerminalError("bubblewrap did not start the sandbox in time");
    pollfd p{ready_fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0) continue;  // EINTR, or time to check the deadline
    char byte;
    ssize_t n = ::read(ready_fd, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n == 1) return Status::Ok();
    return UnavailableError("bubblewrap could not set up the sandbox (its message is in the log)");
  }
}

Result<std::vector<int>> ListenInSandboxNetns(pid_t pid) {
  std::string base = "/proc/" + std::to_string(pid) + "/ns/";
  UniqueFd net(::open((base + "net").c_str(), O_RDONLY | O_CLOEXEC));
  UniqueFd user(::open((base + "user").c_str(), O_RDONLY | O_CLOEXEC));
  if (!net.valid() || !user.valid()) {
    return UnavailableError("the sandbox (pid " + std::to_string(pid) + ") is gone: " + std::strerror(errno));
  }
  bool join_user = !SameNamespace(user.get(), "/proc/self/ns/user");
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return InternalError(std::string("socketpair: ") + std::strerror(errno));
  }
  UniqueFd ours(sv[0]), theirs(sv[1]);
  pid_t child = ::fork();
  if (child < 0) return InternalError(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    // Only async-signal-safe calls: the supervisor may have threads.
    if (join_user && ::setns(user.get(), CLONE_NEWUSER) != 0) ::_exit(errno);
    if (::setns(net.get(), CLONE_NEWNET) != 0) ::_exit(errno);
    // bwrap configures loopback itself (address, then up), maybe not yet;
    // doing it here too would make its own attempt fail.
    if (int e = WaitForLoopback(); e != 0) ::_exit(e);
    int fds[2] = {ListenLoopback(kHttpProxyPort), ListenLoopback(kSocksProxyPort)};
    if (fds[0] < 0 || fds[1] < 0) ::_exit(errno);
    ::_exit(SendFds(theirs.get(), kTagListeners, fds, 2));
  }
  theirs.Reset();
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
  if (code != 0) {
    return InternalError("cannot listen for the proxy inside the sandbox's network namespace: " +
                         std::string(std::strerror(code)));
  }
  (void)::fcntl(ours.get(), F_SETFL, O_NONBLOCK);
  char tag = 0;
  std::vector<int> fds;
  if (!RecvFds(ours.get(), tag, fds) || tag != kTagListeners || fds.size() != 2) {
    for (int fd : fds) ::close(fd);
    return InternalError("the proxy listeners did not arrive from the sandbox's network namespace");
  }
  return fds;
}

int RunApplySeccomp(int argc, char** argv) {
  SandboxIdentity id;
  id.uid = ::getuid();
  id.gid = ::getgid();
  int notify = -1;
  int life = -1;
  int ready = -1;
  bool idle = false;
  std::vector<std::string> writable;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    bool value = i + 1 < argc;
    if (arg == "--") {
      ++i;
      break;
    } else if (arg == "--idle") {
      idle = true;
    } else if (arg == "--uid" && value) {
      id.uid = static_cast<uid_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--gid" && value) {
      id.gid = static_cast<gid_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--notify-fd" && value) {
      notify = std::atoi(argv[++i]);
    } else if (arg == "--life-fd" && value) {
      life = std::atoi(argv[++i]);
    } else if (arg == "--ready-fd" && value) {
      ready = std::atoi(argv[++i]);
    } else if (arg == "--writable" && value) {
      writable.push_back(argv[++i]);
    } else {
      Print("usage: __apply-seccomp --uid N --gid N --notify-fd N [--writable PATH]... (--idle | -- COMMAND...)");
      return 2;
    }
  }
  if (notify < 3 || life < 3 || notify == life || (!idle && i >= argc)) {
    Print("sesame: __apply-seccomp needs --notify-fd, --life-fd and a command (or --idle)");
    return 2;
  }
  // bwrap has done its part: the supervisor may let exec in.
  if (ready >= 0) {
    [[maybe_unused]] ssize_t n = ::write(ready, "r", 1);
    ::close(ready);
  }
  // Nothing else of bwrap's or the supervisor's reaches the sandbox.
  int keep_low = std::min(notify, life), keep_high = std::max(notify, life);
  ::close_range(3, static_cast<unsigned>(keep_low - 1), 0);
  if (keep_high > keep_low + 1) ::close_range(static_cast<unsigned>(keep_low + 1), static_cast<unsigned>(keep_high - 1), 0);
  ::close_range(static_cast<unsigned>(keep_high + 1), ~0U, 0);
  if (int e = ExitWhenHungUp(life); e != 0) {
    Print(std::string("sesame: sandbox setup failed: watching the supervisor: ") + std::strerror(e));
    return 126;
  }
  auto plan = MakeWorkerPlan(id, writable);
  if (!plan.ok()) {
    Print("sesame: sandbox setup failed: " + plan.status().message());
    return 126;
  }
  pid_t worker = 0;
  if (!idle) {
    worker = ::fork();
    if (worker < 0) {
      Print(std::string("sesame: sandbox setup failed: fork: ") + std::strerror(errno));
      return 126;
    }
    if (worker == 0) {
      ::close(life);
      struct sigaction dfl{};
      dfl.sa_handler = SIG_DFL;
      ::sigaction(SIGIO, &dfl, nullptr);
      const char* what = "";
      if (int e = ApplyWorkerPlan(*plan, notify, &what); e != 0) {
        Print(std::string("sesame: sandbox setup failed: ") + what + ": " + std::strerror(e));
        ::_exit(126);
      }
      ::close(notify);
      ::execvp(argv[i], argv + i);
      int e = errno;
      Print(std::string("sesame: ") + argv[i] + ": " + std::strerror(e));
      ::_exit(e == ENOENT ? 127 : 126);
    }
  }
  ::close(notify);
  RunSandboxInit(worker, id);
}

}  // namespace sesame::security
