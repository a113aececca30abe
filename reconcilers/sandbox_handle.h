#pragma once
// Finding a sandbox's provider resource by name, for the operations that
// act on a running sandbox (logs, exec, attach, files, previews), from the
// CLI and from the HTTP API alike.

#include <string>

#include "common/status.h"
#include "providers/provider.h"
#include "specs/sandbox.h"
#include "store/store.h"

namespace sesame::reconcilers {

struct SandboxHandle {
  specs::Sandbox sandbox;  // effective: template merged, defaults filled
  providers::Provider* provider = nullptr;
  providers::Observed observed;
};

// kNotFound when there is no such sandbox; kUnavailable (naming the phase)
// when it has no running resource.
Result<SandboxHandle> FindSandboxResource(store::Store& store, const providers::Registry& registry,
                                          const std::string& ns, const std::string& name);

// A URL on this host that reaches `port` inside the sandbox: its endpoint
// in status, or the provider's way in for a port opened later (host
// loopback, a container's address, a forwarder into its network
// namespace). kNotFound when the provider has none.
Result<std::string> PortUrl(const SandboxHandle& handle, int port);

// The session's environment for an exec: the spec's values, and hostEnv
// values from this process's environment.
std::vector<std::pair<std::string, std::string>> ExecEnvironment(const specs::SandboxSpec& spec);

}  // namespace sesame::reconcilers
