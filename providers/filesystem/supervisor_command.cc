#include "providers/filesystem/supervisor_command.h"

#include <unistd.h>

#include "common/helper_binary.h"

namespace sesame::providers::filesystem {

std::vector<std::string> SupervisorCommandFor(const std::string& sesame_binary) {
  std::string lean = HelperBinaryPath(sesame_binary, "sesame-supervisor");
  if (::access(lean.c_str(), X_OK) == 0) return {lean};
  return {sesame_binary, "__supervise"};
}

}  // namespace sesame::providers::filesystem
