#pragma once
// One sandbox's session as seen from the controller: starting its
// supervisor, stopping it, and reading its state directory as an Observed.

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "providers/filesystem/env_block.h"
#include "providers/filesystem/filesystem_provider.h"
#include "providers/filesystem/state_file.h"
#include "providers/provider.h"

namespace sesame::providers::filesystem {

// Launches a supervisor for the state directory `dir` (state.json written,
// runtime fields cleared), hands it `env` through a socket, and waits until
// it has started the command (or failed to). kUnavailable when it does not
// start within options.start_timeout.
Status StartSession(const FilesystemOptions& options, const std::string& dir, const EnvList& env);

// Waits until the supervisor recorded in `dir` has started the command.
// With `started_report`, the supervisor's end of the channel it was started
// with: its closing (the start recorded, or the supervisor gone) ends the
// wait instead of reading the state again and again.
Status WaitForStart(const std::string& dir, const ProcessId& supervisor, Millis timeout,
                    int started_report = -1);

// Ends the session of `state`: SIGTERM (and SIGCONT) to the command's
// process group, SIGKILL after `grace`, then the supervisor. Safe when
// everything is already gone; never signals a process that is not ours
// (identities carry the start time).
void StopSession(const SandboxState& state, Millis grace);

// state.json as the provider's Observed.
Observed ToObserved(const SandboxState& state, const std::string& dir);

// True when the session in `dir` will write no more output.
bool SessionEnded(const std::string& dir);

// Whether a create was cut short: the state was stored but no supervisor
// runs that could start the command, and none recorded an outcome (the
// controller was killed before or while launching it). Create finishes
// such a sandbox in place.
bool CreateInterrupted(const SandboxState& state);

}  // namespace sesame::providers::filesystem
