// The docker provider's hardened sandboxes: the guard directory and the
// create-body changes at create, the egress guard after every start and on
// observe, dynamic previews and violations.

#include <unistd.h>

#include <filesystem>

#include "providers/docker/docker_provider_impl.h"
#include "providers/docker/guard_files.h"
#include "providers/docker/guard_launcher.h"
#include "providers/docker/runtime_wrapper.h"

namespace sesame::providers::docker {
namespace {

using nlohmann::json;

pid_t RunningPid(const json& inspect) {
  const json& state = inspect.contains("State") ? inspect["State"] : json::object();
  if (!state.is_object() || !state.value("Running", false)) return 0;
  return static_cast<pid_t>(state.value("Pid", 0));
}

// The container's address on a network the host reaches (the default
// bridge or a user-defined one).
std::string ContainerAddress(const json& inspect) {
  const json& net = inspect.contains("NetworkSettings") ? inspect["NetworkSettings"] : json::object();
  if (!net.is_object()) return "";
  std::string ip = net.value("IPAddress", "");
  if (!ip.empty()) return ip;
  if (net.contains("Networks") && net["Networks"].is_object()) {
    for (const auto& [name, endpoint] : net["Networks"].items()) {
      if (endpoint.is_object() && !endpoint.value("IPAddress", "").empty()) {
        return endpoint.value("IPAddress", "");
      }
    }
  }
  return "";
}

}  // namespace

Status DockerProvider::CheckHardeningSupported() const {
  std::string missing;
  if (::geteuid() != 0) {
    missing = "the controller does not run as root (the egress guard must enter the container's "
              "network namespace)";
  } else if (options_.guard_command.empty()) {
    missing = "this controller has no egress guard command";
  } else if (options_.state_root.empty()) {
    missing = "the docker provider has no state directory";
  }
  if (missing.empty()) return Status::Ok();
  return SecurityUnsupportedError("cannot harden the docker sandbox: " + missing +
                                  " (an administrator may turn sandbox security off)");
}

Status DockerProvider::PrepareGuard(const SandboxRequest& request) {
  SESAME_RETURN_IF_ERROR(CheckHardeningSupported());
  GuardConfig config{request.key, request.uid, request.policy.network, request.spec.ports, {}};
  if (request.spec.runtimes.mise == "auto") config.install_domains = InstallDomains(request.workspace_dir);
  return PrepareGuardDir(GuardPathsFor(options_.state_root, request.uid), config);
}

Hardening DockerProvider::HardeningFor(const SandboxRequest& request, const json& image_inspect) const {
  Hardening h;
  if (!request.policy.enabled) return h;
  h.gate_dir = GuardPathsFor(options_.state_root, request.uid).gate_dir();
  h.home = HomeOfImage(image_inspect);
  return h;
}

Status DockerProvider::EnsureGuardOf(const std::string& id) {
  Result<json> inspect = Inspect(id);
  if (!inspect.ok()) return inspect.status();
  return EnsureGuard(*inspect);
}

Status DockerProvider::EnsureGuard(const json& inspect) {
  json labels = ContainerLabels(inspect);
  pid_t pid = RunningPid(inspect);
  if (!IsHardened(labels) || pid <= 0) return Status::Ok();
  SESAME_RETURN_IF_ERROR(CheckHardeningSupported());
  std::string uid = labels.value(kUidLabel, "");
  if (uid.empty()) return InternalError("a hardened container without a uid label");
  GuardPaths paths = GuardPathsFor(options_.state_root, uid);
  std::optional<GuardState> state = ReadGuardState(paths);
  if (state && state->container_pid == pid && GuardRunning(paths)) return Status::Ok();
  return LaunchGuard(options_.guard_command, paths.dir, pid);
}

void DockerProvider::ObserveSecurity(const json& inspect, Observed& o) {
  json labels = ContainerLabels(inspect);
  o.security = SecurityFromLabels(labels);
  if (!IsHardened(labels)) return;
  pid_t pid = RunningPid(inspect);
  if (pid <= 0) return;
  Status guard = EnsureGuard(inspect);
  if (!guard.ok()) {
    o.message += (o.message.empty() ? "" : "; ") + std::string("no egress: ") + guard.message();
    return;
  }
  std::optional<GuardState> state = ReadGuardState(GuardPathsFor(options_.state_root, o.uid));
  if (!state || state->container_pid != pid) return;
  o.endpoints.clear();
  for (const auto& [port, host_port] : state->host_ports) {
    o.endpoints.push_back({port, "http://127.0.0.1:" + std::to_string(host_port)});
  }
}

void DockerProvider::ForgetSecurity(const std::string& uid) {
  previews_.Forget(uid);
  if (options_.state_root.empty() || uid.empty() || uid.find('/') != std::string::npos || uid[0] == '.') {
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(GuardPathsFor(options_.state_root, uid).dir, ec);
}

Result<std::string> DockerProvider::PreviewUrl(const Observed& current, int port) {
  Result<std::string> id = IdOf(current);
  if (!id.ok()) return id.status();
  Result<json> inspect = Inspect(*id);
  if (!inspect.ok()) return inspect.status();
  pid_t pid = RunningPid(*inspect);
  if (pid <= 0) {
    return UnavailableError("the container is not running: nothing listens on port " + std::to_string(port));
  }
  if (IsHardened(ContainerLabels(*inspect))) return ForwardedPreviewUrl(previews_, current.uid, pid, port);
  std::string address = ContainerAddress(*inspect);
  if (address.empty()) {
    return UnavailableError("the container has no address on a network this host reaches");
  }
  if (address.find(':') != std::string::npos) address = "[" + address + "]";
  return "http://" + address + ":" + std::to_string(port);
}

}  // namespace sesame::providers::docker
