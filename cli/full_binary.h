#pragma once
// `sesame-full`: the CLI with its HTTP parts (cli/http_parts.h), installed
// in libexec/sesame/ (beside `sesame` in a build tree), which `sesame`
// hands the command lines that need them.

#include <string>

#include "common/status.h"

namespace sesame::cli {

// `sesame-full` for this process's executable (common/helper_binary.h).
std::string FullBinaryPath();

// Replaces this process with `sesame-full` and the same arguments (argv[0]
// included, so that messages and `ps` show what the user typed). Returns
// only when that fails, with what to do about it.
Status ExecFullBinary(char** argv);

}  // namespace sesame::cli
