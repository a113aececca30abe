#pragma once
// Flags shared by `sesame controller` and `sesame up`.

#include <vector>

#include "cli/flags.h"
#include "controller/manager.h"

namespace sesame::cli {

std::vector<FlagSpec> ControllerFlags();
Result<controller::ManagerOptions> ManagerOptionsFromFlags(const ParsedFlags& flags);

}  // namespace sesame::cli
