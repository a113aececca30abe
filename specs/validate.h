#pragma once
// Validation of one manifest object against the schema of its kind
// (specs/validate_schema.h), with every error positioned in the source.

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "specs/manifest.h"
#include "specs/yaml_reader.h"

namespace sesame::specs {

// Errors past this many in one object are dropped: the first ones matter.
inline constexpr size_t kMaxErrorsPerObject = 20;

// Checks `object` (apiVersion, kind, metadata, spec; status is ignored) and
// appends what is wrong to `errors`. On the way it normalizes `object` in
// place: null fields are removed, quantities, durations and string fields
// written as numbers become their source text ("cpu: 2" -> "2"), and
// metadata.resourceVersion becomes an integer. Returns true when valid.
bool ValidateObject(nlohmann::json* object, const FieldLocator& locator,
                    std::vector<ManifestError>* errors);

// The known name closest to `name` (a likely typo), or empty.
std::string ClosestName(const std::string& name, const std::vector<std::string>& known);

}  // namespace sesame::specs
