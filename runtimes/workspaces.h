#pragma once
// Monorepo members: the directories a workspace file names.
//   package.json        "workspaces": ["packages/*"] or {"packages": [...]}
//   pnpm-workspace.yaml packages:\n  - "apps/*"\n  - "!**/test/**"
//   Cargo.toml          [workspace] members = ["crates/*"] (may span lines)
//   go.work             use ./a  /  use ( ./a ./b )
// Patterns are globs over directories ('*', '?', "[...]" per component,
// "**" for any depth up to a bound); '!' patterns exclude. node_modules,
// .git and hidden directories are never entered.

#include <string>
#include <string_view>
#include <vector>

namespace sesame::runtimes {

// The member patterns of each format, from the file's content (testable
// from strings). Malformed content yields no patterns.
std::vector<std::string> PackageJsonWorkspaces(std::string_view content);
std::vector<std::string> PnpmWorkspacePackages(std::string_view content);
std::vector<std::string> CargoWorkspaceMembers(std::string_view content);
std::vector<std::string> GoWorkUses(std::string_view content);

// Expands `patterns` (relative to `root`) to existing member directories,
// relative, sorted, without "." and duplicates; at most `max_members`.
std::vector<std::string> ExpandMembers(const std::string& root,
                                       const std::vector<std::string>& patterns,
                                       size_t max_members, int max_depth);

}  // namespace sesame::runtimes
