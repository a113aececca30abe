#include "reconcilers/sandbox_handle.h"

#include <cstdlib>

#include "reconcilers/sandbox_reconciler.h"

namespace sesame::reconcilers {

Result<SandboxHandle> FindSandboxResource(store::Store& store, const providers::Registry& registry,
                                          const std::string& ns, const std::string& name) {
  auto object = store.Get({specs::kKindSandbox, ns, name});
  if (!object.ok()) return object.status();
  auto sandbox = ResolveSandbox(store, *object);
  if (!sandbox.ok()) return sandbox.status();
  SandboxHandle handle;
  handle.sandbox = std::move(sandbox).value();
  handle.provider = registry.Find(handle.sandbox.spec.provider);
  if (handle.provider == nullptr) {
    return UnsupportedError("provider \"" + handle.sandbox.spec.provider + "\" is not available");
  }
  auto observed = handle.provider->Observe(object->metadata.uid);
  if (!observed.ok()) return observed.status();
  if (!*observed) {
    return UnavailableError("sandbox/" + name + " has no running resource (phase " +
                            specs::ToString(handle.sandbox.status.phase) +
                            "); is a controller running? (sesame up / sesame controller)");
  }
  handle.observed = **observed;
  return handle;
}

Result<std::string> PortUrl(const SandboxHandle& handle, int port) {
  for (const auto& e : handle.observed.endpoints) {
    if (e.port == port) return e.url;
  }
  // A port the agent opened later (a dynamic preview): the provider knows
  // the way in (host loopback, the container's address, a forwarder into
  // the sandbox's network namespace).
  auto url = handle.provider->PreviewUrl(handle.observed, port);
  if (url.ok()) return url;
  if (url.status().code() == Code::kUnsupported) {
    return NotFoundError("sandbox/" + handle.sandbox.metadata.name + " has no route to port " +
                         std::to_string(port) + " (" + url.status().message() + ")");
  }
  return url.status();
}

std::vector<std::pair<std::string, std::string>> ExecEnvironment(const specs::SandboxSpec& spec) {
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& e : spec.env) {
    if (e.value) {
      env.emplace_back(e.name, *e.value);
    } else if (const char* v = e.host_env ? std::getenv(e.host_env->c_str()) : nullptr) {
      env.emplace_back(e.name, v);
    }
  }
  return env;
}

}  // namespace sesame::reconcilers
