#pragma once
// The filesystem provider: a sandbox is a process tree on this host, run in
// its workspace by a per-sandbox supervisor (supervisor.h) that outlives the
// controller, so a restarted controller re-adopts it.
//
// On disk, per sandbox, in <state_root>/<uid>/:
//   state.json  configuration and runtime facts (state_file.h), no secrets
//   output.log  the session's stdout and stderr (log_format.h)
//   stdin.sock  the session's stdin while it runs with spec.stdin
//   activity    touched by exec and attach (for lifetime.idleTimeout)
//   lock        flock for read-modify-write of state.json
//   home/       the sandbox's own $HOME (secured) and, for runtimes.mise:
//               auto, its own mise: home/.local/share/mise (MISE_DATA_DIR),
//               .cache/mise, .config/mise, .local/state/mise
// Delete moves the directory to <state_root>.trash/<uid> before removing it,
// so that a removal cut short leaves nothing ListOwned cannot see.
//
// Thread-safe for different uids (the contract in providers/provider.h).

#include <memory>
#include <string>
#include <vector>

#include "common/time.h"
#include "providers/provider.h"

namespace sesame::providers::filesystem {

struct FilesystemOptions {
  // Where per-sandbox state directories live, e.g. $SESAME_HOME/run.
  std::string state_root;
  // The argv prefix that runs RunSupervisor, e.g. {"/usr/bin/sesame",
  // "__supervise"}; the provider appends --state-dir, --env-fd and
  // --cgroup-root. argv[0] must be an absolute path.
  std::vector<std::string> supervisor_command;
  // A cgroup v2 mount; limits are applied there when it is writable.
  std::string cgroup_root = "/sys/fs/cgroup";
  // How long Create and Restart wait for the command to start.
  Millis start_timeout{10000};
  // Grace between SIGTERM and SIGKILL on Delete and Restart.
  Millis stop_timeout{5000};
  // The mise binary for runtimes.mise: auto; empty: looked up on the PATH.
  // Without one, a sandbox that needs mise installs its own copy from npm
  // (@jdxcode/mise) into its home, or fails with reason MiseMissing.
  std::string mise_path;
};

std::unique_ptr<Provider> NewFilesystemProvider(FilesystemOptions options);

}  // namespace sesame::providers::filesystem
