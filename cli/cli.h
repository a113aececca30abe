#pragma once
#include <iostream>

#include "cli/http_parts.h"
#include "cli/runtime.h"

namespace sesame::cli {

// Runs `sesame ARGS...`; returns the process exit code. Without `http`
// (linked() false), a command line that needs it is handed to `sesame-full`.
int Run(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err,
        RegistryFactory registry_factory, HttpParts http);

}  // namespace sesame::cli
