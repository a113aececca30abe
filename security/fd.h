#pragma once
// The security library's name for an owned file descriptor.

#include "common/unique_fd.h"

namespace sesame::security {

using ScopedFd = UniqueFd;

}  // namespace sesame::security
