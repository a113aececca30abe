#pragma once
// `sesame-full`: the CLI with its HTTP parts (cli/http_parts.h), installed
// next to `sesame`, which hands it the command lines that need them.

#include <string>

#include "common/status.h"

namespace sesame::cli {

// `sesame-full` in the directory of this process's executable.
std::string FullBinaryPath();

// Replaces this process with `sesame-full` and the same arguments (argv[0]
// included, so that messages and `ps` show what the user typed). Returns
// only when that fails, with what to do about it.
Status ExecFullBinary(char** argv);

}  // namespace sesame::cli
