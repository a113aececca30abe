// The fast YAML subset reader against yaml-cpp on the same input: whatever
// the subset reader accepts, yaml-cpp must read to the same documents with
// the same positions (tests/specs/yaml_differential.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "tests/specs/yaml_differential.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto difference = sesame::specs::testing::CompareYamlReaders(text)) {
    std::fprintf(stderr, "the YAML readers differ: %s\n", difference->c_str());
    __builtin_trap();
  }
  return 0;
}
