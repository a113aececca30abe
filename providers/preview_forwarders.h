#pragma once
// On-demand forwarders for dynamic previews of sandboxes that have a network
// namespace of their own (secured filesystem sandboxes, secured docker
// containers): a port the agent opened after start is made reachable on
// the host at 127.0.0.1:<host port> by a security::PortForwarder into that
// namespace, started on the first preview of the port and reused after.
//
// Forwarders are kept per sandbox (any string key, e.g. the uid) and per
// namespace: a sandbox whose init changed (restarted: a new namespace)
// gets new ones. They live in the calling process (the controller); one
// lost with a controller restart is started again on the next preview.
// Entering the namespace needs CAP_SYS_ADMIN (the controller runs as root).
//
// Thread-safe.

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>

#include "common/mutex.h"
#include "common/status.h"
#include "security/port_forward.h"

namespace sesame::providers {

class PreviewForwarders {
 public:
  // The host port forwarding to `port` on 127.0.0.1 inside the network
  // namespace of `init_pid` (the sandbox's init, a host pid).
  Result<int> HostPort(const std::string& sandbox, pid_t init_pid, int port);
  // Stops the forwarders of `sandbox` (on delete).
  void Forget(const std::string& sandbox);

 private:
  struct Namespace {
    pid_t init_pid = 0;
    std::map<int, std::unique_ptr<security::PortForwarder>> ports;
  };
  Mutex mutex_;
  std::map<std::string, Namespace> sandboxes_ GUARDED_BY(mutex_);
};

// "http://127.0.0.1:<host port>" for `port` of the sandbox, through
// `forwarders`.
Result<std::string> ForwardedPreviewUrl(PreviewForwarders& forwarders, const std::string& sandbox,
                                        pid_t init_pid, int port);

}  // namespace sesame::providers
