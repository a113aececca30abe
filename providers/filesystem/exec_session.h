#pragma once
// Running one command to completion with its output streamed to callbacks
// and its input pulled from them: Provider::Exec for the filesystem
// provider. One poll loop for stdout and stderr; one thread for stdin,
// because Streams::read_stdin blocks.

#include <optional>

#include "common/status.h"
#include "common/time.h"
#include "providers/filesystem/spawn.h"
#include "providers/provider.h"

namespace sesame::providers::filesystem {

// Runs `spawn` (its fd fields are ignored) and returns the exit code
// (128+N for signal N; 127/126 with a message on stderr when the command
// cannot run). With `stdin_open`, feeds read_stdin chunks to the command and
// closes its stdin at their end. On cancel or timeout the command's process
// group is killed; a timeout is an error (kTerminal).
//
// Returns only after read_stdin has returned: a caller whose read_stdin
// blocks keeps Exec waiting after the command has exited.
Result<int> RunWithStreams(SpawnOptions spawn, bool stdin_open, std::optional<Millis> timeout,
                           Streams& streams);

// As RunWithStreams, with a pseudo-terminal as the command's stdin, stdout
// and stderr (exec -t): everything it writes comes to streams.on_stdout; the
// end of input is sent as the terminal's end-of-file character (Ctrl-D).
Result<int> RunWithTerminal(SpawnOptions spawn, bool stdin_open, std::optional<Millis> timeout,
                            Streams& streams);

}  // namespace sesame::providers::filesystem
