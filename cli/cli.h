#pragma once
#include <iostream>

namespace sesame::cli {

// Runs `sesame ARGS...`; returns the process exit code.
int Run(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace sesame::cli
