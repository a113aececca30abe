#include "runtimes/install_steps.h"

#include <set>

namespace sesame::runtimes {
namespace {

std::string Parent(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

std::string JoinArgs(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

}  // namespace

MiseLayout MiseLayoutUnder(const std::string& home) {
  return {home + "/.local/share/mise", home + "/.cache/mise", home + "/.config/mise",
          home + "/.local/state/mise"};
}

EnvList MiseEnvironment(const MiseLayout& l, const std::string& workspace) {
  return {
      {"MISE_DATA_DIR", l.data_dir},
      {"MISE_CACHE_DIR", l.cache_dir},
      {"MISE_CONFIG_DIR", l.config_dir},
      {"MISE_STATE_DIR", l.state_dir},
      {"MISE_GLOBAL_CONFIG_FILE", l.config_dir + "/config.toml"},
      // Neither /etc/mise nor the host's shared installs leak in.
      {"MISE_SYSTEM_CONFIG_DIR", l.config_dir + "/system"},
      {"MISE_TRUSTED_CONFIG_PATHS", workspace},
      {"MISE_CEILING_PATHS", Parent(workspace)},
      {"MISE_IDIOMATIC_VERSION_FILE_ENABLE_TOOLS",
       "node,python,ruby,go,java,bun,deno,elixir,dotnet,rust,yarn"},
      {"MISE_YES", "1"},
  };
}

std::vector<std::string> ThroughMise(const std::string& mise, const std::vector<std::string>& argv) {
  if (mise.empty()) return argv;
  std::vector<std::string> out = {mise, "exec", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::vector<InstallStep> InstallSteps(const Plan& plan, const StepOptions& options) {
  std::vector<InstallStep> steps;
  if (options.install_tools && !options.mise.empty() && plan.NeedsMise()) {
    InstallStep s;
    s.phase = "Installing";
    s.dir = plan.workspace;
    s.argv = {options.mise, "install"};
    std::set<std::string> domains;
    for (const ToolVersion& t : plan.tools) {
      for (const std::string& d : MiseDownloadDomains(t.tool)) domains.insert(d);
    }
    s.domains.assign(domains.begin(), domains.end());
    s.display = "mise install";
    steps.push_back(std::move(s));
  }
  if (!options.install_dependencies) return steps;
  for (const DependencyInstall& d : plan.installs) {
    InstallStep s;
    s.phase = "InstallingDependencies";
    s.dir = d.dir == "." ? plan.workspace : plan.workspace + "/" + d.dir;
    s.argv = ThroughMise(options.mise, d.command);
    s.env = d.env;
    s.domains = d.registries;
    s.display = JoinArgs(d.command) + " (in " + d.dir + ")";
    steps.push_back(std::move(s));
  }
  return steps;
}

}  // namespace sesame::runtimes
