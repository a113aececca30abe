#pragma once
// The runtimes step of a filesystem sandbox (runtimes.mise: auto): run by
// its supervisor before the session command. Detects the workspace's plan
// (runtimes/plan.h), then runs, each as its own process inside the
// sandbox, `mise install` and the dependency installs that are not up to
// date (hashes in state.json), recording the progress as
// runtime_phase/reason/message in state.json for the RuntimeReady
// condition. The install output goes to the sandbox's log.
//
// mise: state.mise_path (resolved by the provider), or, when it is
// missing, a copy installed into the sandbox's home from the npm package
// @jdxcode/mise (when npm is on the PATH); else the step fails with reason
// MiseMissing.

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "providers/filesystem/state_file.h"
#include "runtimes/install_steps.h"

namespace sesame::providers::filesystem {

// Runs one install step inside the sandbox; implemented by the supervisor.
class StepRunner {
 public:
  virtual ~StepRunner() = default;
  // $HOME as the sandbox's processes see it (the mise directories are
  // under it).
  virtual std::string Home() const = 0;
  // Runs `step` to its end with the extra environment `env`; returns its
  // exit code and leaves the last lines of its output in `tail`.
  virtual Result<int> Run(const runtimes::InstallStep& step, const runtimes::EnvList& env,
                          std::string& tail) = 0;
  // Writes a line of Sesame's own to the sandbox's log.
  virtual void Note(const std::string& text) = 0;
};

struct InstallOutcome {
  bool ok = false;
  // Prepended to the session command and to exec'd commands: {mise, "exec",
  // "--"}, or empty when the plan needs no mise.
  std::vector<std::string> exec_prefix;
  std::string message;  // the failure, for the sandbox's state
};

InstallOutcome InstallRuntimes(const std::string& state_dir, const SandboxState& state,
                               StepRunner& runner);

// Where the mise installed from npm lives, relative to the sandbox's home.
inline constexpr char kNpmMisePrefix[] = "/.local/share/sesame/mise-npm";

}  // namespace sesame::providers::filesystem
