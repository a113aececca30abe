#pragma once
// The per-sandbox supervisor: a small process, started detached by the
// filesystem provider, that runs one sandbox's session command and
// outlives the controller (as containerd-shim and conmon do). It
//   - reads the environment (secrets included) from an inherited fd, never
//     from argv or a file;
//   - sets up the cgroup and rlimits, starts the command in the workspace in
//     its own process group;
//   - holds the command's stdin open and feeds it from connections to
//     <state dir>/stdin.sock when spec.stdin is true;
//   - appends stdout and stderr to <state dir>/output.log (log_format.h);
//   - records pids, start, exit code and finish in state.json, then exits
//     once the command has ended and its output is drained.
// Without a command (an idle sandbox) it stays up until SIGTERM.
//
// Usage: <argv0> [__supervise] --state-dir DIR [--env-fd N] [--cgroup-root DIR]
// The env block on fd N is NAME '\0' VALUE '\0' ..., ended by EOF.

namespace sesame::providers::filesystem {

// The supervisor's main. Returns the process exit status.
int RunSupervisor(int argc, char** argv);

// What the supervisor is started with in its environment: glibc's malloc
// without its per-thread cache, so that what setting up freed is merged and
// malloc_trim can give whole pages back (the cache keeps up to 7 freed
// chunks of each size scattered over the heap, for the supervisor's whole
// life). Read by glibc before main; RunSupervisor removes it, so nothing
// the supervisor starts inherits it.
inline constexpr const char* kSupervisorTunablesName = "GLIBC_TUNABLES";
inline constexpr const char* kSupervisorTunablesValue = "glibc.malloc.tcache_count=0";

}  // namespace sesame::providers::filesystem
