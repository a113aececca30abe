#pragma once
// The docker side of warm pools (pure functions, no I/O).
//
// A warm container (a pool's sandbox: the request carries the warm marker
// of providers/warm.h and has no command of its own) is made as usual
// (image, runtimes wrapper, hardening, start-up gate) but its command is a
// shell that waits on its stdin: the engine keeps stdin open (OpenStdin)
// and closes it when the first attached client leaves (StdinOnce). A claim
// attaches once and writes the session as a short script: an `export` per
// variable, then `exec` of the command. So the session becomes the
// container's main process (its output is the container's log, its exit
// the container's exit), inside the same hardened container, and the
// variables travel over the engine's socket only: they are in no label,
// no container config and no file.

#include <string>
#include <utility>
#include <vector>

namespace sesame::providers::docker {

// The warm container's command: read the session until end of input, run
// it. Nothing read (an attach that sent nothing) ends the container.
inline constexpr char kSessionWaiter[] = "s=$(cat) && [ -n \"$s\" ] && eval \"$s\"";

// The script a claim writes: `export NAME='value'` for each variable whose
// name a shell accepts, then `exec 'arg0' 'arg1' ...` (`exec sleep infinity` without a command). Every word is single
// quoted, so nothing in it is expanded.
std::string SessionScript(const std::vector<std::string>& command,
                          const std::vector<std::pair<std::string, std::string>>& env);

// `word` single-quoted for a POSIX shell.
std::string ShellQuote(const std::string& word);

}  // namespace sesame::providers::docker
