#include "providers/filesystem/supervisor_command.h"

#include <unistd.h>

namespace sesame::providers::filesystem {

std::vector<std::string> SupervisorCommandFor(const std::string& sesame_binary) {
  size_t slash = sesame_binary.rfind('/');
  if (slash != std::string::npos) {
    std::string lean = sesame_binary.substr(0, slash + 1) + "sesame-supervisor";
    if (::access(lean.c_str(), X_OK) == 0) return {lean};
  }
  return {sesame_binary, "__supervise"};
}

}  // namespace sesame::providers::filesystem
