#pragma once
// Reading and writing files of a sandbox's workspace without ever leaving
// it: paths are resolved beneath the workspace with openat2(RESOLVE_BENEATH),
// so neither ".." nor a symlink (absolute, or relative and climbing out)
// can reach outside. Such paths are kPermissionDenied.

#include <string>

#include "common/status.h"

namespace sesame::providers::filesystem {

// `path` is relative to `workspace`, or absolute inside it.
Result<std::string> ReadWorkspaceFile(const std::string& workspace, const std::string& path);
// Creates missing parent directories; replaces the file atomically.
Status WriteWorkspaceFile(const std::string& workspace, const std::string& path,
                          const std::string& content);

}  // namespace sesame::providers::filesystem
