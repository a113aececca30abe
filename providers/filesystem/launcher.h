#pragma once
// Starting a process that is not our child and outlives us: the double fork
// and setsid of a daemon (as containerd-shim and conmon are started), done
// with two vfork-style clones that share our memory (as posix_spawn does)
// instead of copying it, with a minimal environment, /dev/null stdio and
// every fd closed except one that it inherits as fd 3.

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace sesame::providers::filesystem {

// The fd number at which the detached process finds `inherited_fd`.
inline constexpr int kInheritedFd = 3;

// Runs argv (argv[0] is a path) detached with environment `env`. Returns
// its pid once it has been forked; it may still fail to exec.
Result<pid_t> LaunchDetached(const std::vector<std::string>& argv,
                             const std::vector<std::string>& env, int inherited_fd);

}  // namespace sesame::providers::filesystem
