#pragma once
// Runs both YAML readers (specs/yaml_builder.h) on one text and compares
// what they produce: the same documents, and for every node the same key
// and value positions and raw scalar text. The fast subset reader may give
// up on any text (yaml-cpp then reads it); when it accepts one, yaml-cpp
// must read it the same way and without errors.

#include <optional>
#include <string>
#include <string_view>

namespace sesame::specs::testing {

// nullopt when the readers agree (or the subset reader gave up); else the
// first difference, for a test failure or a fuzzer crash.
std::optional<std::string> CompareYamlReaders(std::string_view text);

// Whether the subset reader accepted `text` (to measure how much it reads).
bool SubsetAccepts(std::string_view text);

}  // namespace sesame::specs::testing
