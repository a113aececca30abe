#pragma once
// The manifest schema of the SandboxPool and SandboxQuota specs, and the
// rules across their fields that a schema cannot say (a pool's template
// has no command; maxReplicas is at least replicas; a Sandbox names a pool
// or a template, not both).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "specs/manifest.h"
#include "specs/validate_schema.h"
#include "specs/yaml_reader.h"

namespace sesame::specs {

// The spec schema of `kind` when it is SandboxPool or SandboxQuota;
// nullptr for other kinds.
const Schema* PoolKindSpecSchema(const std::string& kind);

// Appends the cross-field errors of a pool, quota or sandbox `object`
// (already checked against its schema).
void CheckPoolRules(const nlohmann::json& object, const FieldLocator& locator,
                    std::vector<ManifestError>* errors);

}  // namespace sesame::specs
