#pragma once
// Starting a command inside a sandbox: its own process group, the
// sandbox's workspace, environment, cgroup and rlimits, and nothing else of
// the parent (other fds are closed, signal mask and dispositions reset).
// Safe to call from a multi-threaded process: the child runs only
// async-signal-safe calls between fork and exec.

#include <string>
#include <vector>

#include "common/status.h"
#include "providers/filesystem/limits.h"
#include "providers/filesystem/process.h"
#include "security/bwrap_launch.h"
#include "security/namespace_launch.h"

namespace sesame::providers::filesystem {

// Running the command inside an OS-level sandboxed (security/). Exactly
// one of `init` (a new sandbox, started by its supervisor), `bwrap` (the
// same, by bubblewrap) and `enter_pidfd` (an existing one, for exec) is set.
struct SandboxLaunch {
  const security::InitOptions* init = nullptr;  // its report_fd is filled in
  // The command runs as bwrap ... -- sesame __apply-seccomp ... -- argv,
  // in bwrap's own process group (and the sandbox in a session of its own);
  // cgroup is joined before exec. An empty argv starts an idle sandbox.
  const security::BwrapLaunch* bwrap = nullptr;
  int enter_pidfd = -1;         // pidfd of the sandbox's init
  std::string cgroup_procs;     // exec: joined before entering
  const security::WorkerPlan* worker = nullptr;
  int control_fd = -1;          // where the worker sends its seccomp listener
};

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in the PATH of `env`
  std::vector<std::string> env;   // "NAME=VALUE", complete
  std::string cwd;
  // Become the child's fds 0, 1, 2; -1 means /dev/null. Not closed here.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  std::string cgroup;  // join this cgroup before exec; empty: none
  RlimitPlan rlimits;
  // Set: the command runs sandboxed. argv[0] is then looked up in the PATH
  // inside the sandbox, and cgroup is ignored (the launch joins it).
  const SandboxLaunch* sandbox = nullptr;
};

// The three pipes of a session: the supervisor reads out.read and
// err.read and writes in.write; the command gets in.read, out.write and
// err.write as its fds 0..2.
struct SessionPipes {
  FdPair out, err, in;
};
Result<SessionPipes> MakeSessionPipes();

// The running child, or why it could not run: kNotFound when argv[0] is
// not found, kPermissionDenied when it cannot be executed, kInternal for
// other failures (fork, chdir...; kTerminal for a sandbox that could not be
// set up).
Result<ChildProcess> Spawn(const SpawnOptions& options);

// Where a command's argv[0] is looked up: the PATH of `env`, or the
// default one.
std::string CommandSearchPath(const std::vector<std::string>& env);

// The shell's code for a command that could not run: 127 not found, 126
// otherwise.
int ExitCodeForSpawnFailure(const Status& status);

}  // namespace sesame::providers::filesystem
