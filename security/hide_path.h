#pragma once
// Hiding a host path from a secured sandbox that is already running: the
// workspace of a sandbox made after it (the mount plan hides those that
// existed when it started). The sandbox's mount namespace gets an empty,
// read-only tmpfs over the path, as for its deny-read masks, and its
// supervisor's monitor (notify_monitor.h) is told, so that reads there are
// recorded with rule deny-read. The sandbox cannot undo the mount: it has
// no capabilities and its seccomp filter denies mount calls.

#include <sys/types.h>

#include <string>

#include "common/status.h"

namespace sesame::security {

// Hides directory `path` (absolute, resolved) inside the sandbox whose init
// is `init_pid`; `state_dir` holds its supervisor's notify.sock. OK when
// the sandbox is gone or does not see `path` at all (under a mask or its
// synthetic home). Needs the rights to enter the sandbox's namespaces
// (the controller that made it).
Status HideInRunningSandbox(pid_t init_pid, const std::string& state_dir, const std::string& path);

}  // namespace sesame::security
