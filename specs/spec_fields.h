#pragma once
// The one table of the Sandbox spec's fields (DESIGN.md section 2). Each row
// says how its field is validated (schema), decoded, encoded and merged,
// whether the provider's resource is made from it (providers::FieldHashes),
// and what it means (the description printed by the JSON Schema and field
// documentation). Adding a field to SandboxSpec means adding one row here;
// tests check that every member of the struct has one.

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "specs/json_writer.h"
#include "specs/sandbox.h"
#include "specs/validate_schema.h"

namespace sesame::specs {

// Who acts on a change of the field.
enum class FieldOwner {
  kResource,    // the provider's resource is made from it: a change patches or recreates it
  kController,  // the controller's own business (which provider, restarts, deletion, ...)
};

struct SpecField {
  Field field;  // name, schema (nested fields with their descriptions), description
  FieldOwner owner = FieldOwner::kResource;
  bool sandbox_only = false;  // not in a SandboxTemplate's spec (templateRef)
  // A value as a user writes it (JSON text), other than the default: the
  // documentation shows it and the tests set it.
  std::string example;
  // Reads the field from a spec object into `out`; absent means the
  // default. Throws on a value of the wrong shape (the decoder reports it).
  std::function<void(const nlohmann::json& spec, SandboxSpec& out)> decode;
  // Writes `"name":value` to an open object, or nothing when the field
  // decodes the same without it.
  std::function<void(const SandboxSpec& spec, JsonWriter& w)> encode;
};

// In the order of DESIGN.md (and of validation).
const std::vector<SpecField>& SpecFields();
// The same rows sorted by name: the canonical encoding's order.
const std::vector<const SpecField*>& SpecFieldsByName();
// The names of the fields the provider's resource is made from.
const std::vector<std::string>& ResourceFieldNames();

}  // namespace sesame::specs
