#pragma once
// The docker provider's implementation class, shared by its two source
// files: docker_provider.cc (lifecycle) and docker_provider_io.cc (exec,
// logs, attach, files). Private to providers/docker.

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/mutex.h"
#include "providers/docker/container_config.h"
#include "providers/docker/docker_provider.h"
#include "providers/docker/engine_client.h"
#include "providers/docker/event_watcher.h"
#include "providers/docker/hardening.h"
#include "providers/docker/state_store.h"
#include "providers/preview_forwarders.h"
#include "providers/violation_reader.h"

namespace sesame::providers::docker {

// The Observed.id of a volume without a container ("volume/NAME").
std::string VolumeId(const std::string& volume);
bool IsVolumeId(const std::string& id);

class DockerProvider final : public Provider {
 public:
  explicit DockerProvider(DockerOptions options);

  std::string name() const override { return "docker"; }
  Capabilities capabilities() const override;
  Result<Observed> Create(const SandboxRequest& request) override;
  Result<std::optional<Observed>> Observe(const std::string& uid) override;
  Result<std::vector<Observed>> ListOwned() override;
  Status Update(const Observed& current, const SandboxRequest& request) override;
  Status Suspend(const Observed& current) override;
  Status Resume(const Observed& current) override;
  Status Restart(const Observed& current, const SandboxRequest& request) override;
  Status Delete(const Observed& current) override;
  Status Purge(const Observed& current) override;
  void SetChangeListener(ChangeListener listener) override;
  Status StartSession(const Observed& current, const SandboxRequest& request) override;
  Result<int> Exec(const Observed& current, const ExecRequest& request, Streams& streams) override;
  Status Logs(const Observed& current, const LogOptions& options, Streams& streams) override;
  Status Attach(const Observed& current, Streams& streams) override;
  Result<std::string> ReadFile(const Observed& current, const std::string& path) override;
  Status WriteFile(const Observed& current, const std::string& path,
                   const std::string& content) override;
  Result<std::string> PreviewUrl(const Observed& current, int port) override;
  Result<std::vector<ViolationRecord>> DrainViolations() override { return violations_.Drain(); }

 private:
  // Engine calls that answer with JSON; non-2xx as StatusFromResponse.
  Result<nlohmann::json> CallJson(const HttpRequest& request, const std::string& what);
  Status CallOk(const std::string& method, const std::string& path, const std::string& what,
                const std::string& body = "");

  // The containers labelled with `uid`, newest first.
  Result<std::vector<nlohmann::json>> FindByUid(const std::string& uid);
  // kNotFound when the container is gone.
  Result<nlohmann::json> Inspect(const std::string& id);
  // The container id of `current`, looked up by uid when it has none.
  Result<std::string> IdOf(const Observed& current);
  // Inspect, with in-place hashes, limit drift and last activity applied.
  Result<Observed> ObserveContainer(const std::string& id, bool with_activity);
  std::optional<Time> LastOutput(const std::string& id);
  void TouchActivity(const std::string& uid, const std::string& id);
  // Restart: the run that has just ended becomes the previous run, whose
  // part of the log logs --previous shows (providers/docker/run_log_times.h).
  void MarkRunEnded(const std::string& uid, const std::string& id);
  Result<std::optional<int64_t>> LastLogTime(const std::string& id);
  // The payload of a logs request read whole (`path` from /containers/).
  Result<std::string> LogText(const std::string& path);
  Status PreviousRunLogs(const Observed& current, const std::string& id, const LogOptions& options,
                         Streams& streams);
  // Delete, then Create of `request`: a container that cannot be reused.
  Status Remake(const Observed& current, const SandboxRequest& request);

  // The image's inspect, pulled first when it is missing (and allowed).
  Result<nlohmann::json> EnsureImage(const std::string& image, const std::string& uid);
  Status Pull(const std::string& image, const std::string& uid);
  // The sandbox's persistence volume (docker_provider_volumes.cc).
  Status EnsureVolume(const SandboxRequest& request);
  // Volumes of this installation, one Observed per uid (id: VolumeId).
  Result<std::vector<Observed>> OwnedVolumes();
  Result<std::string> CreateContainer(const SandboxRequest& request, const std::string& image,
                                      const nlohmann::json& image_inspect);
  // Starts the container and, for a hardened one, its egress guard.
  Status StartContainer(const std::string& id);
  Result<HostFacts> Facts();

  // Hardened sandboxes (docker_provider_security.cc).
  // kTerminal (reason Unsupported) when this controller cannot host guards.
  Status CheckHardeningSupported() const;
  // Writes the sandbox's guard directory (its policy for the guard).
  Status PrepareGuard(const SandboxRequest& request);
  // The create-body changes of a hardened request (none otherwise).
  Hardening HardeningFor(const SandboxRequest& request, const nlohmann::json& image_inspect) const;
  // Starts the guard of a running hardened container unless one serves
  // its current process.
  Status EnsureGuard(const nlohmann::json& inspect);
  Status EnsureGuardOf(const std::string& id);
  // Security report, guard endpoints and (when running) the guard itself,
  // for an observed container; a guard that cannot start shows in message.
  void ObserveSecurity(const nlohmann::json& inspect, Observed& o);
  void ForgetSecurity(const std::string& uid);
  void Progress(const std::string& uid, const std::string& reason, const std::string& message);

  // The hijacked exec start, its exit code, and the kill on timeout.
  Result<int> RunExec(const std::string& exec_id, bool stdin_open, bool tty,
                      std::optional<Millis> timeout, Streams& streams);
  Result<std::string> AbsolutePath(const std::string& id, const std::string& path);

  const DockerOptions options_;
  EngineClient client_;
  StateStore state_;
  Mutex mutex_;
  std::map<std::string, std::string> ids_ GUARDED_BY(mutex_);  // uid -> container id
  std::optional<HostFacts> facts_ GUARDED_BY(mutex_);
  bool disk_limit_supported_ GUARDED_BY(mutex_) = true;
  std::string disk_note_ GUARDED_BY(mutex_);
  ViolationFileReader violations_;          // hardened sandboxes' refusals
  PreviewForwarders previews_;              // hardened sandboxes' dynamic previews
  EventWatcher events_;                     // drift at once
};

}  // namespace sesame::providers::docker
