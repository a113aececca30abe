#include "common/helper_binary.h"

#include <unistd.h>

#include <climits>
#include <filesystem>

namespace sesame {

std::string SelfExecutablePath() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

std::string HelperBinaryPath(const std::string& self, const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(self).parent_path();
  // SESAME_LIBEXEC_FROM_BIN: the install's libexec/sesame relative to its
  // bin (CMake's GNUInstallDirs), "../libexec/sesame" by default.
  std::string libexec = (dir / SESAME_LIBEXEC_FROM_BIN / name).lexically_normal().string();
  std::string beside = (dir / name).string();
  if (::access(libexec.c_str(), X_OK) == 0) return libexec;
  if (::access(beside.c_str(), X_OK) == 0) return beside;
  return libexec;
}

}  // namespace sesame
