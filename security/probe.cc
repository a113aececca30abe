#include "security/probe.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "security/bwrap_launch.h"
#include "security/landlock.h"

namespace sesame::security {
namespace {

// The probe child may be forked from a multi-threaded process: only
// async-signal-safe calls below.
void WriteText(const char* path, const char* text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  [[maybe_unused]] ssize_t n = ::write(fd, text, std::strlen(text));
  ::close(fd);
}

// "/proc/<pid>/<leaf>" into buf.
void ProcPath(char* buf, size_t size, pid_t pid, const char* leaf) {
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid > 0);
  size_t i = 0;
  for (const char* p = "/proc/"; *p && i + 1 < size; ++p) buf[i++] = *p;
  while (n > 0 && i + 1 < size) buf[i++] = digits[--n];
  if (i + 1 < size) buf[i++] = '/';
  for (const char* p = leaf; *p && i + 1 < size; ++p) buf[i++] = *p;
  buf[i] = '\0';
}

enum Bits { kUserBit = 1, kMountBit = 2, kPidBit = 4, kNetBit = 8, kIdmapBit = 16 };

// In the probe child: what works, as a bit set in the exit code.
int ProbeNamespaces(bool root) {
  int bits = 0;
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | (root ? 0 : CLONE_NEWUSER);
  if (::unshare(flags) != 0) {
    if (!root) return 0;
    return 0;
  }
  if (!root) {
    bits |= kUserBit;
    // The map itself is not needed for the checks below.
    WriteText("/proc/self/setgroups", "deny");
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
      ::mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k") == 0) {
    bits |= kMountBit;
  }
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (s >= 0 && ::ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP;
    if (::ioctl(s, SIOCSIFFLAGS, &ifr) == 0) bits |= kNetBit;
  }
  pid_t child = ::fork();
  if (child == 0) {
    bool one = ::getpid() == 1;
    bool proc = (bits & kMountBit) && ::mount("proc", "/tmp", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0;
    ::_exit(one && proc ? 0 : 1);
  }
  int status = 0;
  if (child > 0 && ::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    bits |= kPidBit;
  }
  return bits;
}

// In its own child (a pid namespace whose init has exited allows no more
// forks, so not after ProbeNamespaces).
int ProbeIdmap() {
  int bits = 0;
  if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      ::mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k") != 0) {
    return 0;
  }
  {
    // An id-mapped mount of the (private) /tmp tmpfs via a scratch userns.
    // The holder is forked with CLONE_PARENT-free clone so that it lives in
    // our original pid namespace, not the probe's (whose pid 1 is gone).
    int tree = ::open_tree(AT_FDCWD, "/tmp", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    int sync[2];
    if (tree >= 0 && ::pipe2(sync, O_CLOEXEC) == 0) {
      long holder = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
      if (holder == 0) {
        char c;
        ::close(sync[1]);
        [[maybe_unused]] ssize_t n = ::read(sync[0], &c, 1);
        ::_exit(0);
      }
      ::close(sync[0]);
      if (holder > 0) {
        char path[64];
        ProcPath(path, sizeof path, static_cast<pid_t>(holder), "uid_map");
        WriteText(path, "0 2000000000 1");
        ProcPath(path, sizeof path, static_cast<pid_t>(holder), "gid_map");
        WriteText(path, "0 2000000000 1");
        ProcPath(path, sizeof path, static_cast<pid_t>(holder), "ns/user");
        int userns = ::open(path, O_RDONLY | O_CLOEXEC);
        mount_attr attr{};
        attr.attr_set = MOUNT_ATTR_IDMAP;
        attr.userns_fd = static_cast<uint64_t>(userns);
        if (userns >= 0 && ::mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0) {
          bits |= kIdmapBit;
        }
        ::close(sync[1]);
        ::waitpid(static_cast<pid_t>(holder), nullptr, 0);
      } else {
        ::close(sync[1]);
      }
    }
  }
  return bits;
}

std::string FindBwrap() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir + "/bwrap";
    struct stat st;
    if (!dir.empty() && dir[0] == '/' && ::stat(candidate.c_str(), &st) == 0 && st.st_uid == 0 &&
        (st.st_mode & S_IXUSR)) {
      return candidate;
    }
  }
  return "";
}

// Runs bwrap once with the namespaces the backend uses: "" when /bin/true
// ran, else what went wrong (bwrap's first line on stderr).
std::string ProbeBwrap(const std::string& bwrap, bool root) {
  std::vector<std::string> args = {bwrap, "--die-with-parent", "--as-pid-1"};
  for (std::string& a : BwrapNamespaceArgs(!root)) args.push_back(std::move(a));
  const char* truth = ::access("/bin/true", X_OK) == 0 ? "/bin/true" : "/usr/bin/true";
  for (const char* a : {"--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--cap-drop", "ALL", "--", truth}) {
    args.push_back(a);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int err[2];
  if (::pipe2(err, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  pid_t child = ::fork();
  if (child == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(err[1], 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(err[1]);
  std::string output;
  if (child > 0) {
    // bwrap is quick; one that hangs (a broken setup) counts as failing.
    pollfd p{err[0], POLLIN, 0};
    char buf[512];
    while (output.size() < 4096 && ::poll(&p, 1, 10000) > 0) {
      ssize_t n = ::read(err[0], buf, sizeof buf);
      if (n <= 0) break;
      output.append(buf, static_cast<size_t>(n));
    }
    ::kill(child, SIGKILL);  // a no-op once it has exited (not reaped yet)
  }
  ::close(err[0]);
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child) return "cannot run it";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::string line = output.substr(0, output.find('\n'));
  if (!line.empty()) return line;
  return WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status)) : "killed";
}

}  // namespace

const char* ToString(Backend b) {
  switch (b) {
    case Backend::kNative: return "native";
    case Backend::kBubblewrap: return "bubblewrap";
    default: return "none";
  }
}

void ChooseBackend(ProbeResult& r) {
  std::string missing;
  auto need = [&](bool ok, const char* what) {
    if (!ok) missing += std::string(missing.empty() ? "" : ", ") + what;
  };
  if (!r.root) need(r.user_namespace, "user namespaces");
  need(r.mount_namespace, "mount namespaces");
  need(r.pid_namespace, "pid namespaces (with a fresh /proc)");
  need(r.net_namespace, "network namespaces");
  if (r.root) need(r.idmapped_mounts, "id-mapped mounts");
  need(r.seccomp_notify, "seccomp user notification");
  bool native = missing.empty();
  // As root, bubblewrap too relies on id-mapped mounts for the workspace's
  // ownership, and on our seccomp filter in any case.
  std::string bwrap_missing;
  if (r.bwrap_path.empty()) {
    bwrap_missing = "bubblewrap not found";
  } else if (!r.bwrap_works) {
    bwrap_missing = "bubblewrap at " + r.bwrap_path + " fails: " + r.bwrap_problem;
  } else if (!r.seccomp_notify) {
    bwrap_missing = "seccomp user notification";
  } else if (r.root && !r.idmapped_mounts) {
    bwrap_missing = "id-mapped mounts";
  }
  bool bwrap = bwrap_missing.empty();
  r.backend = Backend::kNone;
  r.problem.clear();
  if (r.forced == "native") {
    if (native) r.backend = Backend::kNative;
    else r.problem = "the native backend (forced by " + std::string(kBackendEnv) + ") is unavailable: " + missing;
  } else if (r.forced == "bubblewrap" || r.forced == "bwrap") {
    if (bwrap) r.backend = Backend::kBubblewrap;
    else r.problem = "the bubblewrap backend (forced by " + std::string(kBackendEnv) + ") is unavailable: " + bwrap_missing;
  } else if (!r.forced.empty()) {
    r.problem = std::string(kBackendEnv) + "=" + r.forced + " is not a backend (use native or bubblewrap)";
  } else if (native) {
    r.backend = Backend::kNative;
  } else if (bwrap) {
    r.backend = Backend::kBubblewrap;
    r.problem = "native backend unavailable (" + missing + "): using bubblewrap";
  } else {
    r.problem = "unavailable: " + missing + "; " + bwrap_missing;
  }
  if (r.backend != Backend::kNone && r.landlock_abi == 0) {
    r.problem += std::string(r.problem.empty() ? "" : "; ") + "Landlock unavailable: mounts are the only filesystem layer";
  }
}

ProbeResult RunProbe() {
  ProbeResult r;
  r.root = ::geteuid() == 0;
  int bits = 0;
  for (int which = 0; which < (r.root ? 2 : 1); ++which) {
    pid_t child = ::fork();
    if (child == 0) ::_exit(which == 0 ? ProbeNamespaces(r.root) : ProbeIdmap());
    int status = 0;
    if (child > 0 && ::waitpid(child, &status, 0) == child && WIFEXITED(status)) bits |= WEXITSTATUS(status);
  }
  r.user_namespace = (bits & kUserBit) != 0;
  r.mount_namespace = (bits & kMountBit) != 0;
  r.pid_namespace = (bits & kPidBit) != 0;
  r.net_namespace = (bits & kNetBit) != 0;
  r.idmapped_mounts = (bits & kIdmapBit) != 0;
  r.landlock_abi = LandlockAbi();
  unsigned int action = SECCOMP_RET_USER_NOTIF;
  r.seccomp = ::syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
  r.seccomp_notify = r.seccomp;
  r.bwrap_path = FindBwrap();
  if (!r.bwrap_path.empty()) {
    r.bwrap_problem = ProbeBwrap(r.bwrap_path, r.root);
    r.bwrap_works = r.bwrap_problem.empty();
  }
  const char* forced = std::getenv(kBackendEnv);
  r.forced = forced ? forced : "";
  ChooseBackend(r);
  return r;
}

const ProbeResult& CachedProbe() {
  static std::once_flag once;
  static ProbeResult result;
  std::call_once(once, [] { result = RunProbe(); });
  return result;
}

std::string ProbeResult::Summary() const {
  if (backend == Backend::kNone) return std::string("none (") + problem + ")";
  std::string s = backend == Backend::kBubblewrap ? "bubblewrap (" + bwrap_path + ", " : "native (";
  s += root ? "namespaces, unprivileged uid" : "user namespace";
  s += landlock_abi > 0 ? ", landlock ABI " + std::to_string(landlock_abi) : ", no landlock";
  s += ", seccomp+notify";
  if (!forced.empty()) s += ", forced";
  return s + ")";
}

std::string ProbeResult::ToString() const {
  auto yn = [](bool b) { return b ? "yes" : "no"; };
  std::ostringstream o;
  o << "backend: " << security::ToString(backend)
    << (forced.empty() ? "" : " (" + std::string(kBackendEnv) + "=" + forced + ")") << "\n"
    << "running as root: " << yn(root) << "\n"
    << "user namespaces: " << (root ? "not needed (root)" : yn(user_namespace)) << "\n"
    << "mount namespaces: " << yn(mount_namespace) << "\n"
    << "pid namespaces: " << yn(pid_namespace) << "\n"
    << "network namespaces: " << yn(net_namespace) << "\n"
    << "id-mapped mounts: " << (root ? yn(idmapped_mounts) : "not needed (not root)") << "\n"
    << "landlock ABI: " << landlock_abi << "\n"
    << "seccomp: " << yn(seccomp) << ", user notification: " << yn(seccomp_notify) << "\n"
    << "bubblewrap: "
    << (bwrap_path.empty() ? "not found"
                           : bwrap_path + (bwrap_works ? " (works)" : " (fails: " + bwrap_problem + ")"))
    << "\n";
  if (!problem.empty()) o << "note: " << problem << "\n";
  return o.str();
}

}  // namespace sesame::security
