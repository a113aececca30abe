#pragma once
// The YAML 1.2 core schema for plain (unquoted) scalars: which text means
// null, a bool, an integer or a float. The reader uses it to type values and
// the writer to decide which strings need quotes to stay strings.

#include <string_view>

#include <nlohmann/json.hpp>

namespace sesame::specs {

// The value a plain scalar denotes: null, bool, integer, float or string.
// ".inf" and ".nan" stay strings: JSON cannot hold them.
nlohmann::json ResolvePlainScalar(std::string_view text);

// True when `text` written as a plain scalar would read back as a string.
bool IsPlainString(std::string_view text);

}  // namespace sesame::specs
