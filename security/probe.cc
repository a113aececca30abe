#include "security/probe.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <net/if.h>
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

}  // namespace

const char* ToString(Backend b) { return b == Backend::kNative ? "native" : "none"; }

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
  if (missing.empty()) {
    r.backend = Backend::kNative;
    if (r.landlock_abi == 0) r.problem = "Landlock unavailable: mounts are the only filesystem layer";
  } else {
    r.problem = "unavailable: " + missing;
    if (!r.bwrap_path.empty()) r.problem += " (bubblewrap at " + r.bwrap_path + " is not used as a backend)";
  }
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
  std::string s = "native (";
  s += root ? "namespaces, unprivileged uid" : "user namespace";
  s += landlock_abi > 0 ? ", landlock ABI " + std::to_string(landlock_abi) : ", no landlock";
  s += ", seccomp+notify)";
  return s;
}

std::string ProbeResult::ToString() const {
  auto yn = [](bool b) { return b ? "yes" : "no"; };
  std::ostringstream o;
  o << "backend: " << security::ToString(backend) << "\n"
    << "running as root: " << yn(root) << "\n"
    << "user namespaces: " << (root ? "not needed (root)" : yn(user_namespace)) << "\n"
    << "mount namespaces: " << yn(mount_namespace) << "\n"
    << "pid namespaces: " << yn(pid_namespace) << "\n"
    << "network namespaces: " << yn(net_namespace) << "\n"
    << "id-mapped mounts: " << (root ? yn(idmapped_mounts) : "not needed (not root)") << "\n"
    << "landlock ABI: " << landlock_abi << "\n"
    << "seccomp: " << yn(seccomp) << ", user notification: " << yn(seccomp_notify) << "\n"
    << "bubblewrap: " << (bwrap_path.empty() ? "not found" : bwrap_path) << "\n";
  if (!problem.empty()) o << "note: " << problem << "\n";
  return o.str();
}

}  // namespace sesame::security
