#pragma once
// JSON values written as block YAML that reads back to the same JSON:
// strings that would read as numbers, bools or null are quoted.

#include <string>

#include <nlohmann/json.hpp>

namespace sesame::specs {

// Mapping keys come in a natural order ("apiVersion", "kind", "metadata",
// "name", "namespace" first), the others sorted. Ends with a newline.
std::string JsonToYaml(const nlohmann::json& value);

}  // namespace sesame::specs
