#pragma once
// Port previews: each spec.port listening inside the sandbox's network
// namespace is reachable on the host at 127.0.0.1:<host port> (the same
// number when free, else an ephemeral one). Each connection gets a thread
// that enters the sandbox's network namespace (setns on that thread only;
// needs CAP_SYS_ADMIN, so the supervisor must run as root) to connect.

#include <map>
#include <memory>
#include <vector>

namespace sesame::security {

class PortForwarder {
 public:
  virtual ~PortForwarder() = default;
  // sandbox port -> host port, for those that could be bound.
  virtual const std::map<int, int>& host_ports() const = 0;
};

// `netns_fd`: /proc/<init>/ns/net (owned).
std::unique_ptr<PortForwarder> StartPortForwarder(int netns_fd, const std::vector<int>& ports);

}  // namespace sesame::security
