#pragma once
// Parsers for the files that name tool versions, each testable from a
// string. `name` is the file's path relative to the workspace; it becomes
// the "name:line" source of every version found.
//
//   .nvmrc / .node-version   one version; "# comments"; "v20.1.0" -> 20.1.0,
//                            "lts/*" -> lts, "lts/iron" -> lts-iron,
//                            "node" / "stable" -> latest
//   .python-version          pyenv: one or more versions, one per line or
//                            several on a line; "system" is skipped
//   .ruby-version            "3.3.0" or "ruby-3.3.0"
//   .go-version              "1.22.3" or "go1.22.3"
//   .tool-versions           asdf: "tool v1 [v2...]  # comment" per line
//   mise.toml / .mise.toml   [tools]: name = "v" | ["v1", "v2"] |
//                            { version = "v", ... }; [tools.name] version = "v"

#include <string>
#include <string_view>
#include <vector>

#include "runtimes/plan.h"

namespace sesame::runtimes {

// Which parser a file name (its last path component) takes; empty when the
// name is not a version file.
std::string VersionFileKind(std::string_view file_name);

// Parses `content` of a file of `kind` (from VersionFileKind). Problems go
// to `warnings` as "name:line: ..." and the line is skipped.
std::vector<ToolVersion> ParseVersionFile(const std::string& kind, const std::string& name,
                                          std::string_view content,
                                          std::vector<std::string>& warnings);

// The single-tool parsers, for tests.
std::vector<ToolVersion> ParseNodeVersion(const std::string& name, std::string_view content);
std::vector<ToolVersion> ParseToolVersions(const std::string& name, std::string_view content);
std::vector<ToolVersion> ParseMiseToml(const std::string& name, std::string_view content,
                                       std::vector<std::string>& warnings);

}  // namespace sesame::runtimes
