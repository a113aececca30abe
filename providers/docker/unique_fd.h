#pragma once
// The docker provider uses the common owned file descriptor.

#include "common/unique_fd.h"

namespace sesame::providers::docker {

using sesame::UniqueFd;

}  // namespace sesame::providers::docker
