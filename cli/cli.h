#pragma once
#include <iostream>

#include "cli/runtime.h"

namespace sesame::cli {

// Runs `sesame ARGS...`; returns the process exit code.
int Run(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err,
        RegistryFactory registry_factory);

}  // namespace sesame::cli
