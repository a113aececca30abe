#include "providers/preview_forwarders.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

namespace sesame::providers {

Result<int> PreviewForwarders::HostPort(const std::string& sandbox, pid_t init_pid, int port) {
  if (init_pid <= 0) return UnavailableError("the sandbox has no running process to preview");
  if (port <= 0 || port > 65535) return InvalidError("no such port: " + std::to_string(port));
  // Forwarders into a namespace that is gone, stopped outside the lock.
  std::map<int, std::unique_ptr<security::PortForwarder>> stale;
  MutexLock lock(mutex_);
  Namespace& ns = sandboxes_[sandbox];
  if (ns.init_pid != init_pid) {
    stale.swap(ns.ports);
    ns.init_pid = init_pid;
  }
  auto it = ns.ports.find(port);
  if (it != ns.ports.end()) {
    auto mapped = it->second->host_ports().find(port);
    if (mapped != it->second->host_ports().end()) return mapped->second;
    stale[port] = std::move(it->second);
    ns.ports.erase(it);
  }
  std::string path = "/proc/" + std::to_string(init_pid) + "/ns/net";
  int netns = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (netns < 0) {
    return UnavailableError("cannot open the sandbox's network namespace (" + path +
                            "): " + std::strerror(errno));
  }
  auto forwarder = security::StartPortForwarder(netns, {port});
  auto mapped = forwarder->host_ports().find(port);
  if (mapped == forwarder->host_ports().end()) {
    return UnavailableError("no host port free to forward port " + std::to_string(port));
  }
  int host_port = mapped->second;
  ns.ports[port] = std::move(forwarder);
  return host_port;
}

void PreviewForwarders::Forget(const std::string& sandbox) {
  Namespace gone;
  {
    MutexLock lock(mutex_);
    auto it = sandboxes_.find(sandbox);
    if (it == sandboxes_.end()) return;
    gone = std::move(it->second);
    sandboxes_.erase(it);
  }
  // `gone` stops its forwarders here, without the lock held.
}

Result<std::string> ForwardedPreviewUrl(PreviewForwarders& forwarders, const std::string& sandbox,
                                        pid_t init_pid, int port) {
  Result<int> host_port = forwarders.HostPort(sandbox, init_pid, port);
  if (!host_port.ok()) return host_port.status();
  return "http://127.0.0.1:" + std::to_string(*host_port);
}

}  // namespace sesame::providers
