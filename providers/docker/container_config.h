#pragma once
// The mapping between Sesame's sandboxes and Docker containers, as pure
// functions over JSON (no I/O), so that each rule is testable on its own:
// the body of POST /containers/create, the body of POST /update, and the
// Observed read back from an inspect or a list entry.
//
// A sandbox container:
// - carries the labels below: the owning object's uid, kind, namespace and
//   name, the field hashes it was created with (compact JSON), the limits it
//   was created with (for drift detection), and a note when the disk limit
//   could not be applied;
// - runs spec.command as its entrypoint (Kubernetes' `command`), or
//   `sleep infinity` for an idle sandbox, or for a pool's warm container a
//   shell that waits for its session (warm_session.h), under Docker's init (tini), so
//   signals reach it and zombies are reaped;
// - never uses Docker's restart policy: the controller applies
//   restartPolicy, so the container's exit stays visible;
// - publishes spec.ports on 127.0.0.1 with host ports picked by Docker;
// - bind-mounts the workspace directory at spec.workspace.mountPath (also
//   the working directory), and persistence.volume, the sandbox's own named
//   volume (VolumeName), at the provider's volume mount path.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "providers/provider.h"
#include "specs/sandbox.h"

namespace sesame::providers::docker {

inline constexpr char kUidLabel[] = "dev.sesame.uid";
inline constexpr char kKindLabel[] = "dev.sesame.kind";
inline constexpr char kNamespaceLabel[] = "dev.sesame.namespace";
inline constexpr char kNameLabel[] = "dev.sesame.name";
inline constexpr char kHashesLabel[] = "dev.sesame.hashes";
inline constexpr char kLimitsLabel[] = "dev.sesame.limits";
inline constexpr char kDiskLabel[] = "dev.sesame.disk";
// Which Sesame installation made the container, so that two controllers
// (two $SESAME_HOMEs) on one engine never take each other's containers
// for orphans.
inline constexpr char kOwnerLabel[] = "dev.sesame.owner";

// Container limits in the engine's units; 0 means none.
struct Limits {
  int64_t memory = 0;     // bytes (Memory, and MemorySwap: no swap on top)
  int64_t nano_cpus = 0;  // CPUs x 1e9
  int64_t pids = 0;       // PidsLimit
  bool operator==(const Limits&) const = default;
};

// Limits for spec.resources (disk is separate: it is fixed at create).
Limits LimitsFor(const specs::Resources& resources);
// {"memory":..,"nanoCpus":..,"pids":..}, compact.
std::string LimitsJson(const Limits& limits);
Limits ParseLimitsJson(const std::string& text);
// The limits an inspect's HostConfig shows (null, -1 and 0 all mean none).
Limits LimitsOfHostConfig(const nlohmann::json& host_config);

// What the machine has, to stand for "no limit" in an update: the engine
// cannot clear a memory or CPU limit once set.
struct HostFacts {
  int64_t memory_bytes = 0;  // /info MemTotal
  int64_t cpus = 0;          // /info NCPU
};

struct UpdatePlan {
  nlohmann::json body;  // for POST /containers/{id}/update
  Limits applied;       // what inspect shows afterwards
};
UpdatePlan PlanUpdate(const Limits& want, const HostFacts& host);

struct CreateParams {
  std::string image;
  std::string volume_mount_path;
  // Pass spec.resources.disk as StorageOpt.size; false when the storage
  // driver refused it, and then `disk_note` explains why.
  bool disk_limit = true;
  std::string disk_note;
  std::string owner;  // the kOwnerLabel value; empty: none
  // runtimes.mise: auto (runtime_wrapper.h): more binds and variables, and
  // the wrapper that runs before the command; empty: none.
  std::vector<std::string> runtime_binds;
  std::vector<std::string> runtime_env;
  std::vector<std::string> runtime_wrapper;
};

// "sesame-NAMESPACE-NAME-UID8": unique per uid, readable in `docker ps`.
std::string ContainerName(const SandboxRequest& request);
// The named volume of persistence.volume: "sesame-NAMESPACE-VOLUME-UID",
// one per sandbox (two namespaces, or a sandbox deleted and made again,
// never share one); it outlives recreations of the container. Empty
// without persistence.volume.
std::string VolumeName(const SandboxRequest& request);
// The labels that tie a container or volume to its object: uid, kind,
// namespace, name, and `owner` when not empty.
nlohmann::json OwnerLabels(const SandboxRequest& request, const std::string& owner);
// Whether `request` is for a warm container of a pool (warm_session.h): its
// command waits for a session on its stdin.
bool IsWarmContainer(const SandboxRequest& request);
nlohmann::json CreateBody(const SandboxRequest& request, const CreateParams& params);

// Observed from GET /containers/{id}/json. field_hashes are the labels'
// (the caller applies later in-place updates).
Observed ObservedFromInspect(const nlohmann::json& inspect);
// Observed from an entry of GET /containers/json (state, exit code and
// endpoints as the summary shows them; no times).
Observed ObservedFromSummary(const nlohmann::json& summary);

// The `filters` query value (URL-encoded) selecting Sesame's containers,
// or those of one uid.
std::string OwnedFilter(const std::string& uid = "", const std::string& owner = "");

}  // namespace sesame::providers::docker
