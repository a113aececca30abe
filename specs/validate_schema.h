#pragma once
// The manifest schema as data: every field of metadata and of the Sandbox
// spec (DESIGN.md section 2) with its type, required flag and extra rule.
// specs/validate.cc walks a document against it.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sesame::specs {

enum class FieldType {
  kObject,     // known fields only
  kList,       // of `item`
  kStringMap,  // string keys and string values
  kString,
  kEnum,       // a string from `values`
  kBool,
  kInt,        // between `min` and `max`
  kQuantity,   // specs/quantity.h; stored as its text
  kDuration,   // specs/quantity.h; stored as its text
  kTime,       // RFC 3339
  kAny,        // not checked
};

// Checks beyond the type.
enum class Rule {
  kNone,
  kDns1123Label,
  kEnvName,          // [A-Za-z_][A-Za-z0-9_]*
  kAbsolutePath,
  kQualifiedName,    // a label or annotation key: [dns.subdomain/]name
  kLabelValue,
  kEnvEntry,         // exactly one of value and valueFrom
  kUniqueEnvNames,
  kUniquePorts,
  kResourceVersion,  // a non-negative integer, written as a number or a string
};

struct Field;

struct Schema {
  FieldType type = FieldType::kAny;
  Rule rule = Rule::kNone;
  std::vector<Field> fields;        // kObject
  std::vector<Schema> item;         // kList: exactly one
  std::vector<std::string> values;  // kEnum
  Rule key_rule = Rule::kNone;      // kStringMap
  int64_t min = 0;                  // kInt
  int64_t max = std::numeric_limits<int64_t>::max();
};

struct Field {
  std::string name;
  Schema schema;
  bool required = false;
};

const Schema& MetadataSchema();
// The spec of a Sandbox, or of a SandboxTemplate (which has no templateRef).
const Schema& SpecSchema(bool is_template);

// The field of `schema` named `name`, or nullptr.
const Field* FindField(const Schema& schema, const std::string& name);

}  // namespace sesame::specs
