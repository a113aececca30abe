#include "security/relay.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/unique_fd.h"

namespace sesame::security {

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

namespace {

// One direction through a kernel pipe (splice): no copy through user space.
struct Pipe {
  UniqueFd r, w;
  size_t buffered = 0;
  Pipe() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0) {
      r.Reset(p[0]);
      w.Reset(p[1]);
      ::fcntl(w.get(), F_SETPIPE_SZ, 1 << 20);
    }
  }
};

// Moves what `from` has to `to`. False when the direction has ended.
bool Pump(int from, int to, Pipe& p, bool& failed) {
  ssize_t in = ::splice(from, nullptr, p.w.get(), nullptr, 1 << 20, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (in < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (in <= 0) {
    failed = in < 0;
    return false;
  }
  p.buffered += static_cast<size_t>(in);
  while (p.buffered > 0) {
    ssize_t out = ::splice(p.r.get(), nullptr, to, nullptr, p.buffered, SPLICE_F_MOVE);
    if (out < 0 && errno == EINTR) continue;
    if (out <= 0) {
      failed = true;
      return false;
    }
    p.buffered -= static_cast<size_t>(out);
  }
  return true;
}

}  // namespace

void Relay(int a, int b, std::string_view a_prefix, int stop) {
  if (!a_prefix.empty() && !SendAll(b, a_prefix)) return;
  Pipe ab, ba;
  if (!ab.r.valid() || !ba.r.valid()) return;
  bool a_open = true, b_open = true;  // direction a->b, b->a still flowing
  while (a_open || b_open) {
    pollfd fds[3] = {{a, static_cast<short>(a_open ? POLLIN : 0), 0},
                     {b, static_cast<short>(b_open ? POLLIN : 0), 0},
                     {stop, POLLIN, 0}};
    int n = ::poll(fds, stop >= 0 ? 3 : 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (stop >= 0 && fds[2].revents != 0)) return;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      bool& open = i == 0 ? a_open : b_open;
      if (!open) continue;
      bool failed = false;
      if (!Pump(i == 0 ? a : b, i == 0 ? b : a, i == 0 ? ab : ba, failed)) {
        open = false;
        ::shutdown(i == 0 ? b : a, SHUT_WR);
        if (failed) return;
      }
    }
  }
}

}  // namespace sesame::security
