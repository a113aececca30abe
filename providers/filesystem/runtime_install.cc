#include "providers/filesystem/runtime_install.h"

#include <unistd.h>

#include "common/subprocess.h"
#include "providers/filesystem/process.h"
#include "runtimes/plan.h"

namespace sesame::providers::filesystem {
namespace {

void Report(const std::string& dir, const std::string& phase, const std::string& reason,
            const std::string& message) {
  (void)UpdateState(dir, [&](SandboxState& s) {
    s.runtime_phase = phase;
    s.runtime_reason = reason;
    s.runtime_message = message;
  });
}

struct Failure {
  std::string reason;
  std::string message;
};

// Runs `step`; a failure names the command and ends with its last lines.
std::optional<Failure> RunStep(const runtimes::InstallStep& step, const runtimes::EnvList& env,
                               StepRunner& runner) {
  runner.Note("runtimes: " + step.display);
  std::string tail;
  Result<int> code = runner.Run(step, env, tail);
  if (code.ok() && *code == 0) return std::nullopt;
  std::string what = code.ok() ? "exited with code " + std::to_string(*code) : code.status().message();
  std::string message = step.display + " failed: " + what;
  if (!tail.empty()) message += "\n" + tail;
  runner.Note("runtimes: " + step.display + " failed: " + what);
  return Failure{"Failed", message};
}

// The mise binary the sandbox runs (its path inside), installing it from
// npm into the sandbox's home when there is none.
Result<std::string> EnsureMise(const std::string& dir, const SandboxState& state,
                               const runtimes::EnvList& env, StepRunner& runner) {
  if (!state.mise_path.empty()) return state.mise_path;
  std::string bin = std::string(kNpmMisePrefix) + "/node_modules/.bin/mise";
  if (::access((dir + "/home" + bin).c_str(), X_OK) == 0) return runner.Home() + bin;
  std::string npm = FindInPath("npm");
  if (npm.empty()) {
    return Status(Code::kNotFound,
                  "mise is not installed (not on the PATH, no configured path) and npm is not "
                  "available to install it (npm install -g @jdxcode/mise)")
        .WithReason("MiseMissing");
  }
  Report(dir, "Installing", "Installing", "installing mise from npm (@jdxcode/mise)");
  runtimes::InstallStep step;
  step.phase = "Installing";
  step.dir = state.workspace;
  step.argv = {npm, "install", "--prefix", runner.Home() + kNpmMisePrefix, "--no-audit",
               "--no-fund", "--no-save", "@jdxcode/mise"};
  step.domains = {"registry.npmjs.org"};
  step.display = "npm install @jdxcode/mise";
  if (auto failure = RunStep(step, env, runner)) {
    return Status(Code::kUnavailable, failure->message).WithReason("MiseMissing");
  }
  return runner.Home() + bin;
}

}  // namespace

InstallOutcome InstallRuntimes(const std::string& dir, const SandboxState& state,
                               StepRunner& runner) {
  InstallOutcome out;
  Report(dir, "Detecting", "Detecting", "reading the version files and lockfiles of " + state.workspace);
  Result<runtimes::Plan> plan = runtimes::DetectPlan(state.workspace);
  if (!plan.ok()) {
    out.message = plan.status().message();
    Report(dir, "Failed", "Failed", out.message);
    return out;
  }
  runtimes::EnvList env =
      runtimes::MiseEnvironment(runtimes::MiseLayoutUnder(runner.Home()), state.workspace);
  runtimes::StepOptions options;
  options.install_tools = plan->tools_hash != state.installed_tools_hash;
  options.install_dependencies =
      state.install_dependencies && plan->lock_hash != state.installed_lock_hash;
  if (plan->NeedsMise()) {
    Result<std::string> mise = EnsureMise(dir, state, env, runner);
    if (!mise.ok()) {
      out.message = mise.status().message();
      Report(dir, "Failed", mise.status().reason(), out.message);
      return out;
    }
    options.mise = *mise;
    out.exec_prefix = {options.mise, "exec", "--"};
  }
  std::vector<runtimes::InstallStep> steps = runtimes::InstallSteps(*plan, options);
  for (const runtimes::InstallStep& step : steps) {
    Report(dir, step.phase, step.phase, step.display);
    runtimes::EnvList step_env = env;
    step_env.insert(step_env.end(), step.env.begin(), step.env.end());
    if (auto failure = RunStep(step, step_env, runner)) {
      out.message = failure->message;
      Report(dir, "Failed", failure->reason, out.message);
      return out;
    }
  }
  std::string summary;
  for (const runtimes::ToolVersion& t : plan->tools) {
    summary += (summary.empty() ? "" : ", ") + t.tool + " " + t.version;
  }
  if (!plan->installs.empty() && state.install_dependencies) {
    summary += std::string(summary.empty() ? "" : "; ") + std::to_string(plan->installs.size()) +
               (plan->installs.size() == 1 ? " dependency install" : " dependency installs");
  }
  if (summary.empty()) summary = "no runtimes or lockfiles declared";
  if (steps.empty() && !plan->empty()) summary += " (up to date)";
  out.ok = true;
  (void)UpdateState(dir, [&](SandboxState& s) {
    s.installed_tools_hash = plan->tools_hash;
    if (state.install_dependencies) s.installed_lock_hash = plan->lock_hash;
    s.runtime_phase = "Ready";
    s.runtime_reason = "Ready";
    s.runtime_message = summary;
    s.runtime_exec_prefix = out.exec_prefix;
  });
  return out;
}

}  // namespace sesame::providers::filesystem
