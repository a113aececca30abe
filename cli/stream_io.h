#pragma once
// Wiring a provider's Streams to this process's stdin, stdout and stderr.

#include "providers/provider.h"

namespace sesame::cli {

// stdout/stderr written through unbuffered; stdin read when `with_stdin`.
providers::Streams TerminalStreams(bool with_stdin);

}  // namespace sesame::cli
