#pragma once
// Which command starts a filesystem sandbox's supervisor: the lean
// `sesame-supervisor` binary, installed in libexec/sesame/ (beside `sesame`
// in a build tree; common/helper_binary.h), which loads only what a
// supervisor needs, so a sandbox starts faster; else `sesame __supervise`.

#include <string>
#include <vector>

namespace sesame::providers::filesystem {

// `sesame_binary`: the absolute path of the `sesame` executable.
std::vector<std::string> SupervisorCommandFor(const std::string& sesame_binary);

}  // namespace sesame::providers::filesystem
