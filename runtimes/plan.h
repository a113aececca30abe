#pragma once
// What a workspace declares about its runtimes and dependencies, as a plan
// that `sesame runtimes plan DIR` prints and the filesystem provider's
// supervisor carries out (DESIGN.md section 8):
//   - the tools mise installs, with the version and the file:line that
//     asked for it (version_files.h);
//   - the dependency installs, in order, one per lockfile found in the
//     workspace root and in the monorepo members its workspace files name
//     (lockfiles.h, workspaces.h);
//   - the registry domains those installs reach (for the install step's
//     network allow-list) and content hashes, so an unchanged lockfile is
//     not installed again on restart.
//
// Detection reads only the workspace root, the member directories that a
// workspace file points to and the files it recognizes there: it never
// walks node_modules, .git or anything else, so it stays fast on big
// monorepos. Pure apart from reading those files.

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sesame::runtimes {

// One tool version that mise installs.
struct ToolVersion {
  std::string tool;     // mise's name: node, python, ruby, go, "npm:prettier"...
  std::string version;  // as mise understands it: "20.11.1", "lts", "3.12"
  std::string source;   // "relative/file:line"
  bool operator==(const ToolVersion&) const = default;
};

// One dependency install command, run in `dir` through `mise exec`.
struct DependencyInstall {
  std::string dir;        // relative to the workspace; "." for the root
  std::string ecosystem;  // npm pnpm yarn yarn-berry bun pip uv poetry pipenv bundler go cargo composer
  std::vector<std::string> command;
  std::vector<std::pair<std::string, std::string>> env;  // extra variables
  std::string lockfile;   // relative to the workspace
  std::string reason;     // why this command: "package-lock.json (npm)"
  std::vector<std::string> registries;  // domains the command needs
  bool operator==(const DependencyInstall&) const = default;
};

struct Plan {
  std::string workspace;                  // absolute, as given
  std::vector<ToolVersion> tools;         // one per tool, highest precedence first
  std::vector<std::string> config_files;  // version and mise files read (relative)
  std::vector<DependencyInstall> installs;
  std::vector<std::string> members;       // monorepo member dirs looked at (relative)
  std::vector<std::string> warnings;      // shadowed versions, ambiguous lockfiles...
  // Content hashes (hex): of the version files, and of the lockfiles plus
  // the install commands. Equal hashes mean nothing to install again.
  std::string tools_hash;
  std::string lock_hash;

  bool empty() const { return tools.empty() && installs.empty(); }
  // True when mise has something to do: tools, or a mise config file.
  bool NeedsMise() const;
  // Every registry domain of the installs, sorted, without duplicates.
  std::vector<std::string> Registries() const;
};

struct DetectOptions {
  // Bounds for monorepo member discovery.
  size_t max_members = 1000;
  int max_glob_depth = 4;  // for "**" in member patterns
};

// The plan of `workspace` (an existing directory). kNotFound when it does
// not exist; malformed version or workspace files become warnings, not
// errors, so one bad file does not hide the rest.
Result<Plan> DetectPlan(const std::string& workspace, const DetectOptions& options = {});

// The plan for people (`sesame runtimes plan`) and as JSON (`-o json`).
std::string FormatPlan(const Plan& plan);
std::string PlanToJson(const Plan& plan);

// Domains mise downloads `tool` from during `mise install` (version lists,
// GitHub releases, the tool's own distribution site).
std::vector<std::string> MiseDownloadDomains(const std::string& tool);

// FNV-1a 64 of `data`, continuing from `seed`, as used by the hashes.
uint64_t Fnv1a(std::string_view data, uint64_t seed = 1469598103934665603ULL);
std::string HexHash(uint64_t hash);

}  // namespace sesame::runtimes
