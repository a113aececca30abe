#include "security/notify_monitor.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/mutex.h"
#include "common/unique_fd.h"
#include "security/namespace_launch.h"
#include "security/seccomp_filter.h"

namespace sesame::security {
namespace {

std::string ReadLink(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// Up to `len` bytes of `pid`'s memory at `address`, fewer where its mapping
// ends (-1 when none can be read). One syscall, no fd: every open in a
// sandbox comes through here. The first page is asked for on its own,
// since process_vm_readv never splits one range.
ssize_t ReadMemory(pid_t pid, uint64_t address, void* buf, size_t len) {
  if (address == 0 || len == 0) return -1;
  static const uint64_t kPage = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  size_t first = static_cast<size_t>(std::min<uint64_t>(len, kPage - address % kPage));
  iovec local{buf, len};
  iovec remote[2] = {{reinterpret_cast<void*>(address), first},
                     {reinterpret_cast<void*>(address + first), len - first}};
  return ::process_vm_readv(pid, &local, 1, remote, len > first ? 2 : 1, 0);
}

std::string ReadString(pid_t pid, uint64_t address) {
  char buf[PATH_MAX];
  ssize_t n = ReadMemory(pid, address, buf, sizeof buf - 1);
  if (n <= 0) return "";
  buf[n] = '\0';
  return std::string(buf, strnlen(buf, static_cast<size_t>(n)));
}

// Whether the notified call is an open for reading only.
bool IsRead(const seccomp_notif& req, const NotifyClass& c) {
  uint64_t flags = 0;
  switch (c.open_flags) {
    case NotifyClass::OpenFlags::kNone: return false;
    case NotifyClass::OpenFlags::kArg1: flags = req.data.args[1]; break;
    case NotifyClass::OpenFlags::kArg2: flags = req.data.args[2]; break;
    case NotifyClass::OpenFlags::kHowArg2: {
      // struct open_how starts with its u64 flags.
      if (ReadMemory(static_cast<pid_t>(req.pid), req.data.args[2], &flags, sizeof flags) !=
          static_cast<ssize_t>(sizeof flags)) {
        return false;
      }
      break;
    }
  }
  return (flags & O_ACCMODE) == O_RDONLY && (flags & (O_CREAT | O_TRUNC)) == 0;
}

class MonitorImpl final : public NotifyMonitor {
 public:
  MonitorImpl(AccessRules rules, ViolationLog* log, int server_fd)
      : rules_(std::move(rules)), log_(log), server_(server_fd) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0) {
      wake_read_.Reset(p[0]);
      wake_write_.Reset(p[1]);
    }
    thread_ = std::thread([this] { Loop(); });
  }
  ~MonitorImpl() override {
    stopping_ = true;
    [[maybe_unused]] ssize_t n = ::write(wake_write_.get(), "x", 1);
    thread_.join();
  }
  void AddListener(int fd) override {
    {
      MutexLock lock(mu_);
      incoming_.push_back(fd);
    }
    [[maybe_unused]] ssize_t n = ::write(wake_write_.get(), "x", 1);
  }

 private:
  void Loop();
  void Handle(int listener);
  std::string PathArg(const seccomp_notif& req, int dirfd_arg, int path_arg);

  AccessRules rules_;
  ViolationLog* log_;
  UniqueFd server_;
  UniqueFd wake_read_, wake_write_;
  std::vector<UniqueFd> clients_, listeners_;
  Mutex mu_;
  std::vector<int> incoming_ GUARDED_BY(mu_);
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

void MonitorImpl::Loop() {
  while (!stopping_) {
    std::vector<pollfd> fds{{wake_read_.get(), POLLIN, 0}};
    if (server_.valid()) fds.push_back({server_.get(), POLLIN, 0});
    size_t first_client = fds.size();
    for (const UniqueFd& c : clients_) fds.push_back({c.get(), POLLIN, 0});
    size_t first_listener = fds.size();
    for (const UniqueFd& l : listeners_) fds.push_back({l.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    if (fds[0].revents) {
      char buf[64];
      while (::read(wake_read_.get(), buf, sizeof buf) > 0) {
      }
      MutexLock lock(mu_);
      for (int fd : incoming_) listeners_.emplace_back(fd);
      incoming_.clear();
    }
    if (server_.valid() && fds[1].revents) {
      int c = ::accept4(server_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) clients_.emplace_back(c);
    }
    std::vector<int> closed;
    for (size_t i = first_client; i < first_listener; ++i) {
      if (!fds[i].revents) continue;
      char tag;
      std::vector<int> got;
      std::string payload;
      if (RecvFds(fds[i].fd, tag, got, &payload)) {
        if (tag == kTagHide && !payload.empty()) rules_.denied_reads.push_back(payload);
        for (int fd : got) listeners_.emplace_back(fd);
      } else {
        closed.push_back(fds[i].fd);
      }
    }
    for (size_t i = first_listener; i < fds.size(); ++i) {
      if (fds[i].revents & POLLIN) {
        Handle(fds[i].fd);
      } else if (fds[i].revents & (POLLHUP | POLLERR | POLLNVAL)) {
        closed.push_back(fds[i].fd);  // every process of that filter is gone
      }
    }
    auto drop = [&](std::vector<UniqueFd>& v) {
      std::erase_if(v, [&](const UniqueFd& f) {
        return std::find(closed.begin(), closed.end(), f.get()) != closed.end();
      });
    };
    drop(clients_);
    drop(listeners_);
  }
}

// `path` absolute: relative ones against the process's `dirfd` (or cwd),
// then lexically normalized.
std::string AbsolutePathOf(const seccomp_notif& req, int dirfd, std::string path) {
  if (path.empty()) return "";
  if (path[0] != '/') {
    std::string base = "/proc/" + std::to_string(req.pid) +
                       (dirfd == AT_FDCWD ? "/cwd" : "/fd/" + std::to_string(dirfd));
    path = ReadLink(base) + "/" + path;
  }
  std::string s = std::filesystem::path(path).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::string MonitorImpl::PathArg(const seccomp_notif& req, int dirfd_arg, int path_arg) {
  int dirfd = dirfd_arg < 0 ? AT_FDCWD : static_cast<int>(req.data.args[dirfd_arg]);
  return AbsolutePathOf(req, dirfd, ReadString(static_cast<pid_t>(req.pid), req.data.args[path_arg]));
}

// The path of the AF_UNIX address connect() was given, or "" (another
// family, an abstract or unnamed socket, unreadable memory).
std::string UnixSocketPath(const seccomp_notif& req) {
  sockaddr_un addr{};
  size_t len = std::min<uint64_t>(req.data.args[2], sizeof addr);
  if (len <= offsetof(sockaddr_un, sun_path)) return "";
  if (ReadMemory(static_cast<pid_t>(req.pid), req.data.args[1], &addr, len) != static_cast<ssize_t>(len)) {
    return "";
  }
  if (addr.sun_family != AF_UNIX || addr.sun_path[0] == '\0') return "";
  std::string path(addr.sun_path, strnlen(addr.sun_path, len - offsetof(sockaddr_un, sun_path)));
  return AbsolutePathOf(req, AT_FDCWD, path);
}

void MonitorImpl::Handle(int listener) {
  seccomp_notif req;
  std::memset(&req, 0, sizeof req);
  if (::ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) return;
  NotifyClass c = ClassifyNotification(req.data);
  seccomp_notif_resp resp{};
  resp.id = req.id;
  if (c.deny) {
    resp.error = -EPERM;
    if (log_) log_->Append({"syscall", c.name, c.detail, "seccomp"});
  } else if (c.connect) {
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    std::string path = UnixSocketPath(req);
    if (!path.empty() && ::ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0) {
      std::string rule = ClassifyConnect(rules_, path);
      if (!rule.empty() && log_) log_->Append({"network", "connect", "unix:" + path, rule});
    }
  } else {
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    for (auto& pair : c.path_args) {
      if (pair[1] < 0) continue;
      std::string path = PathArg(req, pair[0], pair[1]);
      if (path.empty() || ::ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) != 0) continue;
      std::string rule = IsRead(req, c) ? ClassifyRead(rules_, path) : ClassifyWrite(rules_, path);
      if (!rule.empty() && log_) {
        log_->Append({"filesystem", c.name, path, rule});
        break;
      }
    }
  }
  ::ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

}  // namespace

AccessRules AccessRulesFor(const SandboxPolicy& policy, const std::string& home) {
  AccessRules r;
  r.writable = {home, policy.filesystem.workspace, "/tmp", "/dev/shm"};
  for (const std::string& w : policy.filesystem.allow_write) r.writable.push_back(w);
  r.protected_paths = policy.filesystem.deny_write;
  for (const std::string& name : policy.filesystem.protected_names) {
    r.protected_paths.push_back(policy.filesystem.workspace + "/" + name);
    r.protected_paths.push_back(home + "/" + name);
  }
  r.denied_reads = policy.filesystem.deny_read;
  // System libraries look under /run all the time (NSS userdb, nscd): those
  // opens are blocked but would drown the record; connects are kept, but
  // for the sockets those libraries try on their own.
  r.quiet_reads = DaemonSocketDirs();
  for (const std::string& run : DaemonSocketDirs()) {
    for (const char* socket : {"/nscd", "/systemd/journal", "/systemd/userdb"}) {
      r.quiet_connects.push_back(run + socket);
    }
  }
  r.visible_roots = {home, policy.filesystem.workspace};
  return r;
}

std::string ClassifyWrite(const AccessRules& rules, const std::string& path) {
  for (const char* ignored : {"/dev", "/proc", "/sys"}) {
    if (PathWithin(path, ignored)) return "";
  }
  for (const std::string& p : rules.protected_paths) {
    if (PathWithin(path, p)) return "protected";
  }
  for (const std::string& w : rules.writable) {
    if (PathWithin(path, w)) return "";
  }
  return "read-only";
}

std::string ClassifyRead(const AccessRules& rules, const std::string& path, bool quiet_too) {
  if (!quiet_too && std::any_of(rules.quiet_reads.begin(), rules.quiet_reads.end(),
                                [&](const std::string& q) { return PathWithin(path, q); })) {
    return "";
  }
  for (const std::string& denied : rules.denied_reads) {
    if (!PathWithin(path, denied)) continue;
    // The workspace may lie inside a hidden tree ($SESAME_HOME); it stays
    // visible, and so does what is under it.
    bool visible = std::any_of(rules.visible_roots.begin(), rules.visible_roots.end(), [&](const std::string& root) {
      return root != denied && PathWithin(root, denied) && PathWithin(path, root);
    });
    if (!visible) return "deny-read";
  }
  return "";
}

std::string ClassifyConnect(const AccessRules& rules, const std::string& path) {
  for (const std::string& q : rules.quiet_connects) {
    if (PathWithin(path, q)) return "";
  }
  return ClassifyRead(rules, path, /*quiet_too=*/true);
}

std::unique_ptr<NotifyMonitor> StartNotifyMonitor(AccessRules rules, ViolationLog* log, int server_fd) {
  return std::make_unique<MonitorImpl>(std::move(rules), log, server_fd);
}

}  // namespace sesame::security
