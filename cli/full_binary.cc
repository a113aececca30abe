#include "cli/full_binary.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/helper_binary.h"

namespace sesame::cli {

std::string FullBinaryPath() { return HelperBinaryPath(SelfExecutablePath(), "sesame-full"); }

Status ExecFullBinary(char** argv) {
  std::string path = FullBinaryPath();
  execv(path.c_str(), argv);
  return UnavailableError("this command needs " + path + " (sesame's HTTP client and server), which " +
                         (errno == ENOENT ? std::string("is missing") : "cannot run: " + std::string(std::strerror(errno))) +
                         ": install sesame again");
}

}  // namespace sesame::cli
