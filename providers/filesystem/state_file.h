#pragma once
// state.json: everything known about one filesystem sandbox, in its state
// directory <state_root>/<uid>/. Written by the provider (configuration,
// suspend flag) and by the sandbox's supervisor (pids, start, exit), always
// as read-modify-write under an flock on <dir>/lock and replaced atomically
// (temp file + rename), so readers never see half a file and the two
// writers never lose each other's fields.
//
// Never holds env values: only their names.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "common/unique_fd.h"
#include "providers/filesystem/limits.h"
#include "providers/filesystem/process.h"
#include "security/policy.h"
#include "specs/object.h"

namespace sesame::providers::filesystem {

inline constexpr char kStateFile[] = "state.json";
inline constexpr char kOutputLog[] = "output.log";
// The output of the run before the last restart (logs --previous).
inline constexpr char kPreviousOutputLog[] = "output.previous.log";
inline constexpr char kStdinSocket[] = "stdin.sock";
inline constexpr char kActivityFile[] = "activity";
// Where a warm sandbox's idle supervisor takes its session (supervisor.h).
inline constexpr char kStartSocket[] = "start.sock";

struct SandboxState {
  // Configuration, from the provider.
  std::string uid;
  specs::ObjectKey key;
  std::string workspace;
  bool workspace_created = false;  // the provider made it, so Delete removes it
  std::vector<std::string> command;  // empty: an idle sandbox
  std::vector<std::string> env_names;
  bool stdin_open = false;
  std::vector<int> ports;
  ResourceLimits limits;
  std::map<std::string, std::string> field_hashes;
  bool suspended = false;
  int restarts = 0;
  // Where the current run's output begins in output.log.
  int64_t run_log_offset = 0;
  // The security policy (security/policy.h), when the request carried one;
  // policy.enabled decides whether the supervisor sandboxes the command.
  std::optional<security::SandboxPolicy> policy;
  // runtimes.mise: auto (runtimes/): the supervisor installs the plan's
  // tools and, with install_dependencies, its dependencies before the
  // session command, and runs that command through `mise exec`.
  bool runtimes_auto = false;
  bool install_dependencies = true;
  std::string mise_path;  // resolved by the provider; empty: not found
  // The OS-level sandboxing backend the provider's probe chose
  // (security/probe.h): "native" (also when empty) or "bubblewrap", with
  // the bwrap binary it found. Set with the policy; the supervisor uses it.
  std::string security_backend;
  std::string bwrap_path;

  // Kept across restarts: the plan hashes of the last successful install,
  // so an unchanged version file or lockfile is not installed again.
  std::string installed_tools_hash;
  std::string installed_lock_hash;

  // Runtime facts, from the supervisor. Cleared by the provider before it
  // starts a supervisor.
  ProcessId supervisor;
  ProcessId child;  // the session command, leader of its own process group
  std::string cgroup;  // the sandbox's cgroup directory, empty when none
  std::optional<Time> started_at;
  std::optional<Time> finished_at;
  std::optional<int> exit_code;
  std::string message;  // limits not applied, exec failure
  // Secured sandboxes: the sandbox's init (pid 1 inside its namespaces,
  // which exec enters; the same process as `child` when there is a
  // command), $HOME inside, the backend in use, and the host port of each
  // forwarded spec port.
  ProcessId sandbox_init;
  std::string sandbox_home;
  std::string security_message;
  std::map<int, int> port_map;
  // Runtimes (when runtimes_auto): the install's progress (RuntimeReport)
  // and the prefix that runs commands through the sandbox's mise.
  std::string runtime_phase;
  std::string runtime_reason;
  std::string runtime_message;
  std::vector<std::string> runtime_exec_prefix;
};

// Reads <dir>/state.json. kNotFound when there is none, or when it is
// empty: never written so (temp file + rename), it is what a power loss
// may leave of a write not yet synced (StoreStateUnlocked's `unsynced`),
// and stands for no state.
Result<SandboxState> LoadState(const std::string& dir);
// Replaces <dir>/state.json with `state` (temp file + rename), under the
// lock; `unsynced` as for StoreStateUnlocked.
Status StoreState(const std::string& dir, const SandboxState& state, UniqueFd* unsynced = nullptr);
// Read-modify-write under the lock. `change` sees the current state.
template <typename F>
Status UpdateState(const std::string& dir, F&& change);

// The lock itself, for UpdateState. Released when destroyed.
class StateLock {
 public:
  explicit StateLock(const std::string& dir);
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  int fd_ = -1;
};

// Without taking the lock (the caller holds it). With `unsynced`, the new
// file is renamed into place without waiting for the disk, and `unsynced`
// gets it open, for the caller to fdatasync once it has answered whoever
// waited for the write (see the caller for why that is safe there).
Result<SandboxState> LoadStateUnlocked(const std::string& dir);
Status StoreStateUnlocked(const std::string& dir, const SandboxState& state, UniqueFd* unsynced = nullptr);

template <typename F>
Status UpdateState(const std::string& dir, F&& change) {
  StateLock lock(dir);
  Result<SandboxState> state = LoadStateUnlocked(dir);
  if (!state.ok()) return state.status();
  change(*state);
  return StoreStateUnlocked(dir, *state);
}

// UpdateState, synced later by the caller (StoreStateUnlocked's `unsynced`).
template <typename F>
Status UpdateStateUnsynced(const std::string& dir, F&& change, UniqueFd& unsynced) {
  StateLock lock(dir);
  Result<SandboxState> state = LoadStateUnlocked(dir);
  if (!state.ok()) return state.status();
  change(*state);
  return StoreStateUnlocked(dir, *state, &unsynced);
}

}  // namespace sesame::providers::filesystem
