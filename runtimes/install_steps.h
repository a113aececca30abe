#pragma once
// From a plan to the commands a sandbox runs before its session, and the
// environment that gives each sandbox a mise of its own.
//
// Layout: every sandbox has its own mise under a home directory of its own
// (for the filesystem provider <state dir>/home, the synthetic $HOME of a
// secured sandbox), so two sandboxes never share installs, caches, trust
// or configuration.

#include <string>
#include <utility>
#include <vector>

#include "runtimes/plan.h"

namespace sesame::runtimes {

using EnvList = std::vector<std::pair<std::string, std::string>>;

struct MiseLayout {
  std::string data_dir;    // installs, shims
  std::string cache_dir;   // downloads, version lists
  std::string config_dir;  // the "global" config, empty
  std::string state_dir;   // trust database
};

// XDG-style directories under `home`: .local/share/mise, .cache/mise,
// .config/mise, .local/state/mise.
MiseLayout MiseLayoutUnder(const std::string& home);

// The variables that confine mise to `layout` and to `workspace`'s config
// (MISE_*_DIR, a private system config dir, the workspace trusted, config
// discovery stopped above it, idiomatic version files enabled, no prompts).
EnvList MiseEnvironment(const MiseLayout& layout, const std::string& workspace);

struct InstallStep {
  std::string phase;  // Installing | InstallingDependencies
  std::string dir;    // absolute working directory
  std::vector<std::string> argv;
  EnvList env;        // added to the sandbox's environment
  std::vector<std::string> domains;  // allowed on the network for this step only
  std::string display;               // "npm ci (in apps/web)"
};

struct StepOptions {
  std::string mise;  // the mise binary; empty: run without mise
  bool install_tools = true;
  bool install_dependencies = true;
};

// `mise install`, then each dependency install through `mise exec --`, in
// the plan's order.
std::vector<InstallStep> InstallSteps(const Plan& plan, const StepOptions& options);

// argv run through `mise exec --` (argv itself when `mise` is empty).
std::vector<std::string> ThroughMise(const std::string& mise, const std::vector<std::string>& argv);

}  // namespace sesame::runtimes
