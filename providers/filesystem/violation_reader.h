#pragma once
// Reads the violations each secured sandbox's supervisor appends to
// <state_dir>/violations.jsonl, returning only the ones not returned before
// (by sequence number; the file itself drops its oldest lines when full).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "providers/provider.h"

namespace sesame::providers::filesystem {

class ViolationReader {
 public:
  explicit ViolationReader(std::string state_root) : state_root_(std::move(state_root)) {}

  // Thread-safe.
  Result<std::vector<ViolationRecord>> Drain();

 private:
  struct Seen {
    int64_t size = -1;  // the file's size when last read: unchanged files are skipped
    int64_t seq = 0;    // the newest sequence number returned
  };

  std::string state_root_;
  std::mutex mutex_;
  std::map<std::string, Seen> seen_;  // by uid; guarded by mutex_
};

}  // namespace sesame::providers::filesystem
