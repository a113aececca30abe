#pragma once
// Starting a hardened container's egress guard (egress_guard.h) from the
// provider: `command` (e.g. {"/usr/bin/sesame", "__docker-guard"}) with
// the sandbox's directory and the container's process, waiting for the
// guard's verdict. The guard detaches itself, so nothing is left to reap.

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace sesame::providers::docker {

// OK once the guard listens (or one already serves this container
// process); kUnavailable with the guard's reason otherwise.
Status LaunchGuard(const std::vector<std::string>& command, const std::string& state_dir,
                   pid_t container_pid);

}  // namespace sesame::providers::docker
