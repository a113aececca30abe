#include "controller/api/peer_socket.h"

#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>

#include "common/unique_fd.h"

namespace sesame::controller::api {
namespace {

// The numeric host and port of one end, as cpp-httplib reports them.
bool EndOf(int fd, bool peer, std::string& host, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  if ((peer ? ::getpeername(fd, sa, &len) : ::getsockname(fd, sa, &len)) != 0) return false;
  if (addr.ss_family == AF_INET) port = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  else if (addr.ss_family == AF_INET6) port = ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  else return false;
  std::array<char, NI_MAXHOST> text{};
  if (::getnameinfo(sa, len, text.data(), text.size(), nullptr, 0, NI_NUMERICHOST) != 0) return false;
  host = text.data();
  return true;
}

bool Matches(int fd, const ConnectionAddress& want) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  std::string host;
  int port = 0;
  if (!EndOf(fd, true, host, port) || port != want.remote_port || host != want.remote_address) return false;
  return EndOf(fd, false, host, port) && port == want.local_port && host == want.local_address;
}

// A descriptor that reads as end of file and refuses writes: one end of a
// socket pair whose other end is closed. Shared by every ended connection.
int DeadSocket() {
  static const UniqueFd dead = [] {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return UniqueFd();
    ::close(pair[1]);
    return UniqueFd(pair[0]);
  }();
  return dead.get();
}

}  // namespace

int PeerSocket::fd() {
  if (fd_ != -2) return fd_;
  fd_ = -1;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fd_;
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long n = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || n == own) continue;
    if (Matches(static_cast<int>(n), address_)) {
      fd_ = static_cast<int>(n);
      break;
    }
  }
  ::closedir(dir);
  return fd_;
}

bool PeerSocket::Gone() {
  int sock = fd();
  if (sock < 0) return false;
  pollfd p{sock, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLHUP | POLLERR | POLLRDHUP)) return true;
  char byte;
  ssize_t n = ::recv(sock, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

void PeerSocket::EndConnection() {
  int sock = fd();
  int dead = DeadSocket();
  if (sock < 0 || dead < 0) return;
  ::shutdown(sock, SHUT_WR);  // what was written, then end of file
  ::dup3(dead, sock, O_CLOEXEC);
}

}  // namespace sesame::controller::api
