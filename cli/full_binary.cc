#include "cli/full_binary.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace sesame::cli {

std::string FullBinaryPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string self = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  size_t slash = self.rfind('/');
  return (slash == std::string::npos ? std::string() : self.substr(0, slash + 1)) + "sesame-full";
}

Status ExecFullBinary(char** argv) {
  std::string path = FullBinaryPath();
  execv(path.c_str(), argv);
  return UnavailableError("this command needs " + path + " (sesame's HTTP client and server), which " +
                         (errno == ENOENT ? std::string("is missing") : "cannot run: " + std::string(std::strerror(errno))) +
                         ": install sesame again");
}

}  // namespace sesame::cli
