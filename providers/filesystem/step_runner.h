#pragma once
// The supervisor's StepRunner (runtime_install.h): each install step runs
// as its own process with the sandbox's restrictions (a fresh OS sandbox of
// the same policy when it is secured, whose proxy also allows the step's
// registry domains, for that step only), its output appended to the
// sandbox's log. A stop signal to the supervisor ends the step.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "providers/filesystem/log_format.h"
#include "providers/filesystem/runtime_install.h"
#include "providers/filesystem/state_file.h"

namespace sesame::providers::filesystem {

struct StepRunnerOptions {
  std::string state_dir;
  SandboxState state;
  std::vector<std::pair<std::string, std::string>> env;  // the request's (secrets)
  std::function<void(const LogEntry&)> log;
  int signal_fd = -1;  // the supervisor's signalfd (SIGCHLD, SIGTERM...)
  std::function<void()> on_stop;  // a stop signal arrived
};

std::unique_ptr<StepRunner> NewSandboxStepRunner(StepRunnerOptions options);

// $HOME inside the sandbox of `state`: its synthetic home when secured
// (as the mount plan places it), else <state_dir>/home.
std::string SandboxHomeFor(const std::string& state_dir, const SandboxState& state);

}  // namespace sesame::providers::filesystem
