#include "security/namespace_launch.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <cstdlib>
#include <fstream>

#include "security/proxy.h"

namespace sesame::security {
namespace {

[[noreturn]] void Fail(int report_fd, int error, const char* what) {
  SetupReport r;
  r.step = kSandboxSetupStep;
  r.error = error;
  std::strncpy(r.what, what, sizeof r.what - 1);
  [[maybe_unused]] ssize_t n = ::write(report_fd, &r, sizeof r);
  ::_exit(127);
}

void JoinCgroup(const char* procs) {
  if (procs == nullptr || procs[0] == '\0') return;
  int fd = ::open(procs, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    [[maybe_unused]] ssize_t n = ::write(fd, "0", 1);
    ::close(fd);
  }
}

int BringUpLoopback() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return errno;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  int rc = ::ioctl(s, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    rc = ::ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  int e = errno;
  ::close(s);
  return rc == 0 ? 0 : e;
}

// Only ever as pid 1 of the sandbox's own pid namespace, where -1 means
// "everything in the sandbox".
void ForwardToAll(int sig) {
  if (::getpid() == 1) ::kill(-1, sig);
}

// Replaces this process's command line (it is a fork of the supervisor,
// whose arguments name the state directory) with `title`, as setproctitle
// does: by overwriting the argument area that /proc/PID/cmdline shows.
void SetCommandLine(const char* title) {
  int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[2048];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return;
  buf[n] = '\0';
  char* p = std::strrchr(buf, ')');
  if (p == nullptr) return;
  // Fields after the comm: field 3 is the state; arg_start and arg_end are
  // fields 48 and 49.
  unsigned long values[64] = {};
  int field = 2;
  for (char* tok = p + 1; *tok && field < 60;) {
    while (*tok == ' ') ++tok;
    ++field;
    values[field] = std::strtoul(tok, nullptr, 10);
    while (*tok && *tok != ' ') ++tok;
  }
  auto* start = reinterpret_cast<char*>(values[48]);
  auto* end = reinterpret_cast<char*>(values[49]);
  if (start == nullptr || end <= start) return;
  size_t size = static_cast<size_t>(end - start);
  std::memset(start, 0, size);
  std::strncpy(start, title, size - 1);
}

// Async-signal-safe: empties the inheritable and ambient capability sets.
// A process that leaves root drops its permitted and effective sets, but
// the inheritable set stays as its launcher left it (bubblewrap fills it
// with the capabilities it was asked to keep for the helper). It cannot be
// used once bounding and permitted sets are empty and no_new_privs is set,
// yet no process of a sandbox should carry any. Lowering the set needs no
// privilege. 0 or an errno.
int ClearInheritableCapabilities() {
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return errno;
  data[0].inheritable = data[1].inheritable = 0;
  if (::syscall(SYS_capset, &header, data) != 0) return errno;
  return 0;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// The init after setup: unprivileged, reaping, forwarding termination
// signals to everything in the namespace, exiting with the worker.
[[noreturn]] void RunInit(pid_t worker, const SandboxIdentity& id) {
  for (int cap = 0; cap < 64; ++cap) ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  ::setgroups(0, nullptr);
  if (::setresgid(id.gid, id.gid, id.gid) != 0 || ::setresuid(id.uid, id.uid, id.uid) != 0) {
    ForwardToAll(SIGKILL);
    ::_exit(126);
  }
  (void)ClearInheritableCapabilities();
  // The uid change cleared the parent-death signal: the sandbox still dies
  // with its parent (the supervisor, or bwrap).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct sigaction sa{};
  sa.sa_handler = ForwardToAll;
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) ::sigaction(sig, &sa, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (;;) {
    int status = 0;
    pid_t pid = ::wait(&status);
    if (pid < 0 && errno == ECHILD) {
      if (worker > 0) ::_exit(0);
      ::pause();
      continue;
    }
    if (pid == worker && worker > 0) ::_exit(ExitCode(status));
  }
}

}  // namespace

SandboxIdentity IdentityFor(const std::string& sandbox_uid) {
  SandboxIdentity id;
  if (::geteuid() != 0) {
    id.uid = ::geteuid();
    id.gid = ::getegid();
    id.user_namespace = true;
    return id;
  }
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : sandbox_uid) h = (h ^ c) * 16777619u;
  id.uid = id.gid = 2000000000u + h % 1000000u;
  return id;
}

Result<WorkerPlan> MakeWorkerPlan(const SandboxIdentity& identity,
                                  const std::vector<std::string>& writable_roots) {
  WorkerPlan plan;
  plan.identity = identity;
  plan.landlock = PlanLandlock(LandlockAbi(), writable_roots);
  auto seccomp = BuildSandboxFilter();
  if (!seccomp.ok()) return seccomp.status();
  plan.seccomp = std::move(*seccomp);
  return plan;
}

int ApplyWorkerPlan(const WorkerPlan& plan, int control_fd, const char** what) {
  // Opened with the launcher's rights: the new uid may not traverse every
  // ancestor of a writable root.
  int ruleset = BuildLandlockRuleset(plan.landlock);
  if (ruleset < -1) return *what = "landlock", -ruleset;
  for (int cap = 0; cap < 64; ++cap) ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  ::setgroups(0, nullptr);  // EPERM in a user namespace with setgroups denied
  const SandboxIdentity& id = plan.identity;
  if (::setresgid(id.gid, id.gid, id.gid) != 0) return *what = "setresgid", errno;
  if (::setresuid(id.uid, id.uid, id.uid) != 0) return *what = "setresuid", errno;
  if (int e = ClearInheritableCapabilities(); e != 0) return *what = "clearing the inheritable capabilities", e;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return *what = "no_new_privs", errno;
  if (int e = RestrictSelf(ruleset); e != 0) return *what = "landlock", e;
  int listener = InstallFilter(plan.seccomp);
  if (listener < 0) return *what = "seccomp", -listener;
  int rc = SendFds(control_fd, kTagNotify, &listener, 1);
  ::close(listener);
  if (rc != 0) return *what = "sending the seccomp listener", rc;
  return 0;
}

pid_t StartSandboxInit(const InitOptions& o) {
  bool userns = o.identity.user_namespace;
  int sync[2] = {-1, -1};
  if (userns && ::pipe2(sync, O_CLOEXEC) != 0) return -1;
  long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
               (userns ? CLONE_NEWUSER : 0);
  long pid = ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) return -1;
  if (pid > 0) {
    if (userns) {
      ::close(sync[0]);
      std::string base = "/proc/" + std::to_string(pid);
      std::ofstream(base + "/uid_map") << o.identity.uid << " " << o.identity.uid << " 1\n";
      std::ofstream(base + "/setgroups") << "deny\n";
      std::ofstream(base + "/gid_map") << o.identity.gid << " " << o.identity.gid << " 1\n";
      ::close(sync[1]);  // the child goes on
    }
    return static_cast<pid_t>(pid);
  }
  // The init (pid 1 of the new namespace).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  // (The parent is invisible from the new pid namespace, so the usual
  // getppid() re-check cannot be made; the control socket's peer closing
  // tells the same later.)
  if (userns) {
    ::close(sync[1]);
    char c;
    while (::read(sync[0], &c, 1) < 0 && errno == EINTR) {
    }
    ::close(sync[0]);
  }
  ::setpgid(0, 0);
  SetCommandLine("sesame-sandbox-init");
  JoinCgroup(o.cgroup.empty() ? nullptr : (o.cgroup + "/cgroup.procs").c_str());
  ::sethostname("sandbox", 7);
  std::string what;
  if (int e = ExecuteMountPlan(*o.mounts, what); e != 0) Fail(o.report_fd, e, what.c_str());
  for (const MountOp& op : o.mounts->ops) {
    if (op.fd >= 0) ::close(op.fd);
  }
  if (int e = BringUpLoopback(); e != 0) Fail(o.report_fd, e, "bring up loopback");
  int listeners[2] = {ListenLoopback(kHttpProxyPort), ListenLoopback(kSocksProxyPort)};
  if (listeners[0] < 0 || listeners[1] < 0) Fail(o.report_fd, errno, "proxy listeners");
  if (int e = SendFds(o.control_fd, kTagListeners, listeners, 2); e != 0) {
    Fail(o.report_fd, e, "sending the proxy listeners");
  }
  ::close(listeners[0]);
  ::close(listeners[1]);
  pid_t worker = 0;
  if (o.with_worker) {
    worker = ::fork();
    if (worker < 0) Fail(o.report_fd, errno, "fork the worker");
    if (worker == 0) return 0;
  }
  ::close(o.report_fd);
  ::close(o.control_fd);
  ::close_range(3, ~0U, 0);
  RunInit(worker, o.identity);
}

pid_t EnterSandbox(int init_pidfd, const SandboxIdentity& identity, const char* cgroup_procs,
                   int report_fd) {
  pid_t middle = ::fork();
  if (middle != 0) return middle;
  ::setpgid(0, 0);
  JoinCgroup(cgroup_procs);
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
              (identity.user_namespace ? CLONE_NEWUSER : 0);
  if (::setns(init_pidfd, flags) != 0) Fail(report_fd, errno, "enter the sandbox's namespaces");
  ::close(init_pidfd);
  pid_t worker = ::fork();
  if (worker < 0) Fail(report_fd, errno, "fork in the sandbox");
  if (worker == 0) return 0;
  ::close(report_fd);
  // Only the worker's exec (or failure report) must reach the caller.
  ::close_range(3, ~0U, 0);
  int status = 0;
  while (::waitpid(worker, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(ExitCode(status));
}

void RunSandboxInit(pid_t worker, const SandboxIdentity& identity) { RunInit(worker, identity); }

int SendFds(int sock, char tag, const int* fds, int count) {
  char data = tag;
  iovec iov{&data, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = CMSG_SPACE(sizeof(int) * static_cast<size_t>(count));
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * static_cast<size_t>(count));
  std::memcpy(CMSG_DATA(c), fds, sizeof(int) * static_cast<size_t>(count));
  ssize_t n;
  do {
    n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : (errno == 0 ? EIO : errno);
}

bool SameNamespace(int fd, const char* own) {
  struct stat a{}, b{};
  return ::fstat(fd, &a) == 0 && ::stat(own, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

bool RecvFds(int sock, char& tag, std::vector<int>& fds, std::string* payload) {
  char data[PATH_MAX + 1] = {};
  iovec iov{data, payload ? sizeof data : 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  tag = data[0];
  if (payload) payload->assign(data + 1, static_cast<size_t>(n) - 1);
  fds.clear();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      fds.push_back(fd);
    }
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> SandboxEnvironment(const std::string& home) {
  std::string http = "http://127.0.0.1:" + std::to_string(kHttpProxyPort);
  std::string socks = "socks5h://127.0.0.1:" + std::to_string(kSocksProxyPort);
  std::string no_proxy = "localhost,127.0.0.1,::1";
  return {{"HOME", home},           {"TMPDIR", "/tmp"},         {"SANDBOX_RUNTIME", "1"},
          {"HTTP_PROXY", http},     {"HTTPS_PROXY", http},      {"http_proxy", http},
          {"https_proxy", http},    {"ALL_PROXY", socks},       {"all_proxy", socks},
          {"GRPC_PROXY", http},     {"grpc_proxy", http},       {"NO_PROXY", no_proxy},
          {"no_proxy", no_proxy},   {"npm_config_proxy", http}, {"npm_config_https_proxy", http}};
}

}  // namespace sesame::security
