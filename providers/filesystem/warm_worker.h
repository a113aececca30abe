#pragma once
// A warm sandbox's session command, started in one step when the sandbox
// is claimed: a worker process made while the sandbox waits, already in the
// very state a session started into it the slow way (Spawn with an
// EnterSandbox launch, spawn.h) is in right before its exec —
//   - in the sandbox's cgroup, its own process group, and (secured) the
//     sandbox's mount, pid, network, ipc and uts namespaces, behind a
//     middle process that the supervisor supervises as the session;
//   - the sandbox's rlimits, default signal handling, in the workspace;
//   - (secured) the worker plan of the sandbox (security::ApplyWorkerPlan):
//     the sandbox uid and gid, no capabilities, no_new_privs, the Landlock
//     ruleset and the seccomp filter, whose listener went to the
//     supervisor's monitor like every other process of the sandbox.
// It runs nothing but this file's code until the claim: it reads the
// session's argv and environment from a socket, takes the session's
// stdin/stdout/stderr as fds 0..2, and execs with every other fd closed on
// exec (the one address space it had is gone with the exec). Between fork
// and exec it makes only async-signal-safe calls (the supervisor runs
// threads by then).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"
#include "providers/filesystem/process.h"
#include "providers/filesystem/spawn.h"

namespace sesame::providers::filesystem {

class WarmWorker {
 public:
  // Makes the worker as Spawn(spawn) would, minus argv, env and stdio
  // (spawn.sandbox: an EnterSandbox launch or none; bwrap and init launches
  // are not supported), and returns once it waits for its session, or why
  // it could not get there. What spawn points to may go away afterwards.
  static Result<std::unique_ptr<WarmWorker>> Start(const SpawnOptions& spawn);
  ~WarmWorker();

  // Starts the session: `argv` (argv[0] looked up in `search_path` when it
  // has no '/'), `env` ("NAME=VALUE", complete), stdin from the stdin pipe
  // when `stdin_open`, else /dev/null. The running session (the process to
  // supervise and whose group to signal), or why it could not run, as
  // Spawn reports it; kUnavailable when the worker is gone and nothing was
  // started (the session may then be started the slow way). Once only.
  // `while_it_execs`, when given, runs once the worker has the session,
  // with the pid of the process to supervise, before Exec waits for the
  // exec: what need not wait for it runs meanwhile.
  Result<ChildProcess> Exec(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                            const std::string& search_path, bool stdin_open,
                            const std::function<void(pid_t)>& while_it_execs = nullptr);

  // The session's pipes, the supervisor's ends: its stdout and stderr to
  // read, its stdin to write. Taken by the caller once Exec succeeded.
  SessionPipes& pipes() { return pipes_; }

 private:
  WarmWorker() = default;

  ChildProcess process_;  // the middle process (secured) or the worker itself
  UniqueFd session_;      // where the session is sent
  UniqueFd report_;       // SetupReport on failure; EOF once exec'd
  SessionPipes pipes_;
  std::string cwd_;
};

}  // namespace sesame::providers::filesystem
