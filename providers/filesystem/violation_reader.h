#pragma once
// Reads the violations each secured sandbox's supervisor appends to
// <state_dir>/violations.jsonl (providers/violation_reader.h), naming each
// sandbox by the key in its state.json.

#include <string>

#include "providers/violation_reader.h"

namespace sesame::providers::filesystem {

class ViolationReader : public ViolationFileReader {
 public:
  explicit ViolationReader(std::string state_root);
};

}  // namespace sesame::providers::filesystem
