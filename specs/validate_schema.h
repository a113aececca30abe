#pragma once
// The manifest schema as data: every field of metadata and of the Sandbox
// spec (DESIGN.md section 2) with its type, required flag, extra rule and a
// one-line description. specs/validate.cc walks a document against it; the
// JSON Schema (specs/json_schema.h) and field documentation print it. The
// spec's fields come from the table in specs/spec_fields.h.

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
  // kList of objects: items with the same value of this member are one
  // entry when a template and a sandbox are merged ("" replaces the list).
  std::string merge_key;
  int64_t min = 0;                  // kInt
  int64_t max = std::numeric_limits<int64_t>::max();
};

struct Field {
  std::string name;
  Schema schema;
  std::string description;
  bool required = false;
};

// Builders for the tables.
namespace schema {
Schema Of(FieldType type, Rule rule = Rule::kNone);
Schema Str(Rule rule = Rule::kNone);
Schema Enum(std::vector<std::string> values);
Schema Int(int64_t min, int64_t max = std::numeric_limits<int64_t>::max());
Schema List(Schema item, Rule rule = Rule::kNone);
Schema Obj(std::vector<Field> fields, Rule rule = Rule::kNone);
Schema Map(Rule key_rule, Rule value_rule);
}  // namespace schema

const Schema& MetadataSchema();
// The spec of a Sandbox, or of a SandboxTemplate (which has no templateRef).
const Schema& SpecSchema(bool is_template);

// The field of `schema` named `name`, or nullptr.
const Field* FindField(const Schema& schema, const std::string& name);

}  // namespace sesame::specs
