#include "store/change_signal.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sesame::store {
namespace {

std::atomic<int> next_listener{0};

// The address of `name` in a directory. A long $SESAME_HOME does not fit
// sun_path (108 bytes); the same file is reachable through the directory's
// descriptor under /proc/self/fd, which always fits.
bool MakeAddress(const std::string& dir, int dir_fd, const char* name, sockaddr_un* addr,
                 socklen_t* len) {
  std::memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  std::string path = dir + "/" + name;
  if (path.size() >= sizeof addr->sun_path) {
    if (dir_fd < 0) return false;
    path = "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
    if (path.size() >= sizeof addr->sun_path) return false;
  }
  std::memcpy(addr->sun_path, path.data(), path.size());
  *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return true;
}

}  // namespace

ChangeSignal::ChangeSignal(std::string dir, std::function<int64_t()> data_version,
                           Millis fallback_period)
    : dir_(std::move(dir)), data_version_(std::move(data_version)), fallback_period_(fallback_period) {}

ChangeSignal::~ChangeSignal() {
  if (listener_.joinable()) {
    uint64_t one = 1;
    (void)!::write(stop_.get(), &one, sizeof one);
    listener_.join();
  }
  if (!socket_name_.empty()) ::unlink((dir_ + "/" + socket_name_).c_str());
}

void ChangeSignal::Bump() {
  {
    MutexLock lock(mutex_);
    ++sequence_;
  }
  changed_.notify_all();
}

void ChangeSignal::Committed() {
  Bump();
  Poke();
}

void ChangeSignal::Wake() { Bump(); }

uint64_t ChangeSignal::Sequence() {
  MutexLock lock(mutex_);
  if (!listening_) StartListening();
  return sequence_;
}

uint64_t ChangeSignal::Wait(uint64_t seen, Millis timeout) {
  MutexLock lock(mutex_);
  if (!listening_) StartListening();
  lock.WaitFor(changed_, timeout, [&] {
    mutex_.AssertHeld();  // WaitFor calls this with the lock held
    return sequence_ != seen;
  });
  return sequence_;
}

void ChangeSignal::StartListening() {
  listening_ = true;
  stop_.Reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!dir_.empty()) {
    ::mkdir(dir_.c_str(), 0700);
    UniqueFd dir_fd(::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    UniqueFd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    std::string name = std::to_string(::getpid()) + "-" + std::to_string(next_listener++);
    sockaddr_un addr;
    socklen_t len = 0;
    if (sock.valid() && MakeAddress(dir_, dir_fd.get(), name.c_str(), &addr, &len)) {
      int rc = ::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), len);
      if (rc != 0 && errno == EADDRINUSE) {
        // Left by a process that had our pid and died without cleaning up.
        ::unlinkat(dir_fd.get(), name.c_str(), 0);
        rc = ::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), len);
      }
      if (rc == 0) {
        socket_ = std::move(sock);
        socket_name_ = name;
      }
    }
  }
  // Without a socket (no directory, or it is not writable) the fallback
  // still notices other processes' writes.
  listener_ = std::thread([this] { Listen(); });
}

void ChangeSignal::Listen() {
  int64_t version = data_version_ ? data_version_() : 0;
  pollfd fds[2] = {{stop_.get(), POLLIN, 0}, {socket_.get(), POLLIN, 0}};
  int nfds = socket_.valid() ? 2 : 1;
  while (true) {
    int n = ::poll(fds, nfds, static_cast<int>(fallback_period_.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n > 0 && (fds[0].revents & POLLIN)) return;
    bool poked = false;
    if (n > 0 && nfds == 2 && (fds[1].revents & POLLIN)) {
      char buf[64];
      while (::recv(socket_.get(), buf, sizeof buf, MSG_DONTWAIT) >= 0) poked = true;
    }
    if (data_version_) {
      // Read after every wake-up too, so the fallback does not report a
      // change the socket already did.
      int64_t now = data_version_();
      if (now != version) poked = true;
      version = now;
    }
    if (poked) Bump();
  }
}

void ChangeSignal::Poke() {
  if (dir_.empty()) return;
  std::string own;
  {
    MutexLock lock(mutex_);
    own = socket_name_;
  }
  MutexLock lock(poke_mutex_);
  DIR* dir = ::opendir(dir_.c_str());
  if (dir == nullptr) return;  // nobody has listened yet
  if (!poke_socket_.valid()) poke_socket_.Reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  for (dirent* e; (e = ::readdir(dir)) != nullptr;) {
    if (e->d_name[0] == '.' || own == e->d_name) continue;
    sockaddr_un addr;
    socklen_t len = 0;
    if (!MakeAddress(dir_, ::dirfd(dir), e->d_name, &addr, &len)) continue;
    char byte = 1;
    if (::sendto(poke_socket_.get(), &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL,
                 reinterpret_cast<sockaddr*>(&addr), len) < 0 &&
        errno == ECONNREFUSED) {
      // Nobody is bound there: its process is gone.
      ::unlinkat(::dirfd(dir), e->d_name, 0);
    }
    // EAGAIN: its queue is full, so it has a wake-up pending anyway.
  }
  ::closedir(dir);
}

}  // namespace sesame::store
