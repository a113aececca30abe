#pragma once
// Running `git` as a child process: no shell, stdin from /dev/null, stdout
// and stderr captured, a deadline after which the child (and its process
// group: remote helpers, ssh) is killed. Safe to call from a
// multi-threaded process: the child runs only async-signal-safe calls
// between fork and exec.

#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace sesame::cli {

struct GitCommandOptions {
  std::vector<std::string> args;  // after "git"
  std::vector<std::string> env;   // "NAME=VALUE", added to this process's environment
  Millis timeout{std::chrono::minutes(2)};
};

// Standard output of a successful (exit 0) run. Otherwise kUnavailable
// with "git ARGS[0]: " and the last lines of standard error (or the exit
// status, or "timed out after ..."); kNotFound when git is not installed.
Result<std::string> RunGit(const GitCommandOptions& options);

}  // namespace sesame::cli
