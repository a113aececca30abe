#pragma once
// Starting a command inside a running secured sandbox (as exec does, and as
// a warm sandbox's supervisor does for the session it is claimed for): the
// sandbox's init pinned by a pidfd, the worker restrictions of its policy,
// and a connection to its supervisor's seccomp monitor.

#include <string>

#include "common/status.h"
#include "common/unique_fd.h"
#include "providers/filesystem/session.h"
#include "providers/filesystem/spawn.h"
#include "providers/filesystem/state_file.h"
#include "security/mount_plan.h"

namespace sesame::providers::filesystem {

// What a command entering a secured sandbox needs, kept alive around the
// spawn (launch points into it).
struct SecureExec {
  UniqueFd pidfd;
  UniqueFd control;
  security::WorkerPlan worker;
  SandboxLaunch launch;
  EnvList env;  // the request's environment plus the sandbox's own
};

// `request_env` plus the variables of the sandbox of `state` (its $HOME,
// the proxies...): what a command entering it gets.
EnvList WithSandboxVariables(const SandboxState& state, EnvList request_env);

// Fills `out` for a command entering the sandbox of `state` (state
// directory `dir`) with `request_env`. kConflict when the sandbox is not
// running.
Status PrepareSecureExec(const SandboxState& state, const std::string& dir, const EnvList& request_env,
                         SecureExec& out);

}  // namespace sesame::providers::filesystem
