#pragma once
// Lockfile -> dependency install command, per directory
// (SANDBOX-SECURITY-NOTES.md section 5): strict lockfile modes, never a
// command that rewrites the lockfile. At most one install per ecosystem
// family and directory (node: packageManager field, then pnpm, bun, yarn,
// npm; python: uv, poetry, pipenv, then requirements.txt); the lockfiles
// it passes over are reported as warnings.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "runtimes/plan.h"

namespace sesame::runtimes {

struct DirectoryFacts {
  std::string dir;              // relative to the workspace; "." for the root
  std::set<std::string> names;  // the directory's entries
  // Reads a file of the directory (its first `limit` bytes); "" when absent.
  std::function<std::string(const std::string& name, size_t limit)> read;
  bool root_has_yarnrc = false;  // .yarnrc.yml at the workspace root (berry monorepo)
};

// The installs for one directory, in ecosystem order.
std::vector<DependencyInstall> InstallsFor(const DirectoryFacts& facts,
                                           std::vector<std::string>& warnings);

// The registry domains of an ecosystem (the names of DependencyInstall).
std::vector<std::string> RegistriesOf(const std::string& ecosystem);

// True for yarn.lock content written by yarn 2+ (berry).
bool IsBerryLockfile(std::string_view content);

}  // namespace sesame::runtimes
