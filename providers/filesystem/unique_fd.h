#pragma once
// The common owned file descriptor, and a pair of them.

#include "common/unique_fd.h"

namespace sesame::providers::filesystem {

using sesame::UniqueFd;

// Both ends of a pipe or socket pair.
struct FdPair {
  UniqueFd read;   // pipe: the read end; socket pair: the parent's end
  UniqueFd write;  // pipe: the write end; socket pair: the child's end
};

}  // namespace sesame::providers::filesystem
