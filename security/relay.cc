#include "security/relay.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

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

void Relay(int a, int b, std::string_view a_prefix, int stop) {
  if (!a_prefix.empty() && !SendAll(b, a_prefix)) return;
  constexpr size_t kBuffer = 256 * 1024;
  std::vector<char> buf(kBuffer);
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
      int from = i == 0 ? a : b, to = i == 0 ? b : a;
      bool& open = i == 0 ? a_open : b_open;
      ssize_t r = ::recv(from, buf.data(), buf.size(), 0);
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (r <= 0) {
        open = false;
        ::shutdown(to, SHUT_WR);
        if (r < 0) return;
        continue;
      }
      if (!SendAll(to, std::string_view(buf.data(), static_cast<size_t>(r)))) return;
    }
  }
}

}  // namespace sesame::security
