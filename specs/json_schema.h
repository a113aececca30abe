#pragma once
// The manifest schema (specs/validate_schema.h) as JSON Schema in the
// OpenAPI v3 dialect Kubernetes uses, with each field's description: for
// the API's OpenAPI documents, `sesame schema` and field documentation.

#include <nlohmann/json.hpp>

#include "specs/validate_schema.h"

namespace sesame::specs {

// One schema node: "type", "properties" (each with its "description"),
// "required", "items", "enum", "minimum"/"maximum", "format".
nlohmann::json ToJsonSchema(const Schema& schema);

// A whole object of `kind` with spec `spec`: apiVersion, kind, metadata,
// spec; status (when the kind has one) is left open.
nlohmann::json ObjectJsonSchema(const std::string& kind, const Schema& spec, bool has_status);
// A whole Sandbox (or SandboxTemplate) object.
nlohmann::json ObjectJsonSchema(bool is_template);

}  // namespace sesame::specs
