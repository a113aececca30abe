#pragma once
// runtimes.mise: auto for docker sandboxes (DESIGN.md section 8): the same
// plan as the filesystem provider's, carried out inside the container.
//
// The plan is detected on the host, from the workspace that is bind-mounted
// into the container. A generated shell script, the wrapper, runs first in
// the container (inside any start-up gate, before the session command):
// `mise install`, then each dependency install through `mise exec --` in
// its directory (host paths translated to the workspace's mount path), then
// it execs the session command through `mise exec --`. Its output and notes
// ("sesame: runtimes: npm ci (in .)") are the container's logs.
//
// Per sandbox, on the host under <root>/<uid>/ (root: a private directory
// of the provider's state):
//   bin/run.sh  the wrapper, mounted read-only at /var/lib/sesame/bin;
//               written again at every create and restart, so that it
//               follows the workspace;
//   status/     mounted read-write at /var/lib/sesame/status: the progress
//               (`status`: phase, reason and message lines), the output of
//               the step that runs (step.out) and the hashes of what was
//               installed (tools.hash, lock.hash), so that an unchanged
//               lockfile is not installed again on restart;
//   mise/       mounted read-write at /var/lib/sesame/mise: the sandbox's
//               own mise (runtimes::MiseLayoutUnder), kept across restarts.
// The image's root filesystem is never written (it may be read-only). The
// two writable directories are world-writable, since the image's user is
// not known on the host; their parent is private. The container may write
// anything there, so the provider reads the status without following
// symlinks and with a size bound, and never writes into them.
//
// An image without mise on its PATH fails the sandbox (exit code 1) with
// reason MiseMissing and a message naming the default image and how to
// build it; nothing is skipped silently.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "providers/provider.h"
#include "runtimes/plan.h"

namespace sesame::providers::docker {

// Where the runtimes directories appear inside the container.
inline constexpr char kRuntimeBinMount[] = "/var/lib/sesame/bin";
inline constexpr char kRuntimeStatusMount[] = "/var/lib/sesame/status";
inline constexpr char kRuntimeMiseMount[] = "/var/lib/sesame/mise";

// What a container with runtimes needs beyond its usual configuration.
struct RuntimeMounts {
  std::vector<std::string> binds;    // HostConfig.Binds entries
  std::vector<std::string> env;      // "NAME=value", before the spec's own
  std::vector<std::string> wrapper;  // put in front of the command
};

struct WrapperOptions {
  std::string image;          // the sandbox's image, named when it has no mise
  std::string default_image;  // sesame-sandbox:latest, which has mise
  std::string build_command;  // how to build the default image
  bool install_dependencies = true;
};

// The wrapper for `plan`, whose workspace is already the container's path.
std::string WrapperScript(const runtimes::Plan& plan, const WrapperOptions& options);
// The registries and download hosts the plan of `workspace_dir` needs while
// it installs (a hardened container's guard allows them until the wrapper
// says the installs are over); empty when the plan cannot be read.
std::vector<std::string> InstallDomains(const std::string& workspace_dir);
// A wrapper that only reports `message` as Failed and exits 1 (the plan
// could not be read).
std::string FailingWrapperScript(const std::string& message);

// The variables of the sandbox's own mise in the container: MISE_DATA_DIR
// and the rest under kRuntimeMiseMount, the workspace's config trusted;
// the image's own installs (its MISE_DATA_DIR) shared read-only, so a tool
// the image has is not downloaded again, and its global config (its
// MISE_GLOBAL_CONFIG_FILE) kept for the default versions; the sandbox's shims first on the
// image's PATH, so exec'd commands find the installed tools. `image_env`:
// the image's Config.Env.
std::vector<std::string> RuntimeEnvironment(const std::string& mount_path,
                                            const std::vector<std::string>& image_env);

// The report in the text of a status file; nullopt when it has no phase.
std::optional<RuntimeReport> ParseRuntimeStatus(std::string_view text);

// Puts `report` on `o`: a running container whose wrapper has not reached
// Ready is still starting (kCreating, the step in its message), and one
// that exited after a failed install says so.
void ApplyRuntimeReport(const std::optional<RuntimeReport>& report, Observed& o);

// The variables of an image's Config.Env, from GET /images/{name}/json.
std::vector<std::string> ImageEnv(const nlohmann::json& image_inspect);

// <state_root>/runtimes: the root of ContainerRuntimes for a provider's
// state directory; empty for an empty one.
std::string RuntimesRootUnder(const std::string& state_root);

// The runtimes directories of the provider's sandboxes. Thread-safe for
// different uids.
class ContainerRuntimes {
 public:
  // `root` empty: runtimes are unavailable (Prepare fails).
  explicit ContainerRuntimes(std::string root);

  // Makes the directories of request.uid (keeping an existing mise), detects
  // the plan of request.workspace_dir, writes the wrapper and forgets the
  // last progress. For a create and before every restart.
  Result<RuntimeMounts> Prepare(const SandboxRequest& request, const WrapperOptions& options,
                                const std::vector<std::string>& image_env);
  // The progress of `uid`'s wrapper; nullopt when `uid` has no runtimes
  // directory (runtimes.mise is not auto).
  std::optional<RuntimeReport> Report(const std::string& uid) const;
  // Removes `uid`'s directories (installed tools included).
  void Remove(const std::string& uid);
  // <root>/<uid>, on the host.
  std::string DirOf(const std::string& uid) const;

 private:
  const std::string root_;
};

}  // namespace sesame::providers::docker
