#pragma once
// What a forked child does between fork and exec, shared by Spawn
// (spawn.h) and the warm worker (warm_worker.h), and how its parent learns
// the outcome: the child writes a SetupReport to a close-on-exec report
// pipe when a step fails, so EOF on the pipe means the exec happened.
// Everything the child calls is async-signal-safe (the parent may be
// multi-threaded).

#include <string>

#include "common/status.h"
#include "providers/filesystem/process.h"

namespace sesame::providers::filesystem {

// The steps a child reports (security::kSandboxSetupStep for the sandbox's).
enum ChildStep { kStepChdir = 1, kStepExec, kStepFds };

// Writes the failed `step` (with errno and `what`) to `report_fd`; exits 127.
[[noreturn]] void ChildFail(int report_fd, int step, const char* what = "");

// Empty signal mask, every disposition back to the default.
void ResetChildSignals();

// Makes targets[0..2] (-1 means `devnull`) the child's fds 0, 1 and 2, and
// moves `report_fd` above 2 first if needed. False when a dup failed.
bool SetUpChildStdio(const int (&targets)[3], int devnull, int& report_fd);

// execvpe without allocation: tries each entry of `path` (the sandbox's
// PATH) for a name without '/'. Returns only on failure (errno set).
void ExecSearching(const char* name, char* const* argv, char* const* envp, const char* path);

// Waits for `child` to exec or fail, reading the read end of its report
// pipe (whose write ends the caller has closed). The child, or why it
// could not run (as Spawn reports it; `exe` and `cwd` name it there).
Result<ChildProcess> AwaitExec(ChildProcess child, int report_read, const std::string& exe,
                               const std::string& cwd);

}  // namespace sesame::providers::filesystem
