#include "security/port_forward.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "common/thread_group.h"
#include "common/unique_fd.h"
#include "security/proxy.h"
#include "security/relay.h"

namespace sesame::security {
namespace {

class ForwarderImpl final : public PortForwarder {
 public:
  ForwarderImpl(int netns_fd, const std::vector<int>& ports) : netns_(netns_fd) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) == 0) {
      stop_read_.Reset(p[0]);
      stop_write_.Reset(p[1]);
    }
    for (int port : ports) {
      int fd = ListenLoopback(port);
      if (fd < 0) fd = ListenLoopback(0);
      if (fd < 0) continue;
      sockaddr_in addr{};
      socklen_t len = sizeof addr;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
      host_ports_[port] = ntohs(addr.sin_port);
      listeners_.push_back({UniqueFd(fd), port});
    }
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~ForwarderImpl() override {
    stop_write_.Reset();
    acceptor_.join();
    // Connection threads end with their peers or with the stop pipe.
    connections_.JoinAll();
  }
  const std::map<int, int>& host_ports() const override { return host_ports_; }

 private:
  struct Listener {
    UniqueFd fd;
    int sandbox_port;
  };
  void AcceptLoop();
  void Forward(int client, int port);

  UniqueFd netns_;
  UniqueFd stop_read_, stop_write_;
  std::vector<Listener> listeners_;
  std::map<int, int> host_ports_;
  std::thread acceptor_;
  ThreadGroup connections_;
};

void ForwarderImpl::AcceptLoop() {
  for (;;) {
    std::vector<pollfd> fds;
    for (const Listener& l : listeners_) fds.push_back({l.fd.get(), POLLIN, 0});
    fds.push_back({stop_read_.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds.back().revents) return;
    for (size_t i = 0; i + 1 < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      int c = ::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      int port = listeners_[i].sandbox_port;
      connections_.Spawn([this, c, port] { Forward(c, port); });
    }
  }
}

void ForwarderImpl::Forward(int client_fd, int port) {
  UniqueFd client(client_fd);
  // This thread alone moves into the sandbox's network namespace; sockets
  // it creates stay there.
  if (::setns(netns_.get(), CLONE_NEWNET) == 0) {
    UniqueFd upstream(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (upstream.valid() && ::connect(upstream.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      Relay(client.get(), upstream.get(), {}, stop_read_.get());
    }
  }
}

}  // namespace

std::unique_ptr<PortForwarder> StartPortForwarder(int netns_fd, const std::vector<int>& ports) {
  return std::make_unique<ForwarderImpl>(netns_fd, ports);
}

}  // namespace sesame::security
