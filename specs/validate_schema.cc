#include "specs/validate_schema.h"

#include <utility>

#include "specs/spec_fields.h"

namespace sesame::specs {

namespace schema {

Schema Of(FieldType type, Rule rule) {
  Schema s;
  s.type = type;
  s.rule = rule;
  return s;
}

Schema Str(Rule rule) { return Of(FieldType::kString, rule); }

Schema Enum(std::vector<std::string> values) {
  Schema s = Of(FieldType::kEnum);
  s.values = std::move(values);
  return s;
}

Schema Int(int64_t min, int64_t max) {
  Schema s = Of(FieldType::kInt);
  s.min = min;
  s.max = max;
  return s;
}

Schema List(Schema item, Rule rule) {
  Schema s = Of(FieldType::kList, rule);
  s.item.push_back(std::move(item));
  return s;
}

Schema Obj(std::vector<Field> fields, Rule rule) {
  Schema s = Of(FieldType::kObject, rule);
  s.fields = std::move(fields);
  return s;
}

Schema Map(Rule key_rule, Rule value_rule) {
  Schema s = Of(FieldType::kStringMap, value_rule);
  s.key_rule = key_rule;
  return s;
}

}  // namespace schema

namespace {

using namespace schema;  // NOLINT: the builders read as the table's vocabulary

Schema BuildSpec(bool is_template) {
  std::vector<Field> fields;
  for (const SpecField& f : SpecFields()) {
    if (!(is_template && f.sandbox_only)) fields.push_back(f.field);
  }
  return Obj(std::move(fields));
}

}  // namespace

const Schema& MetadataSchema() {
  static const Schema schema = Obj({
      {"name", Str(Rule::kDns1123Label),
       "The object's name: a DNS-1123 label of at most 63 characters.", true},
      {"namespace", Str(Rule::kDns1123Label), "Its namespace (default: default)."},
      {"labels", Map(Rule::kQualifiedName, Rule::kLabelValue),
       "Keys and values that selectors match."},
      {"annotations", Map(Rule::kQualifiedName, Rule::kNone), "Keys and values for tools."},
      {"uid", Str(), "Set by the server: unique for the object's whole life."},
      {"generation", Int(0), "Set by the server: bumped on every change of the spec."},
      {"resourceVersion", Of(FieldType::kAny, Rule::kResourceVersion),
       "Set by the server: bumped on every write; a write naming an older one is refused."},
      {"creationTimestamp", Of(FieldType::kTime), "Set by the server: when it was created."},
      {"deletionTimestamp", Of(FieldType::kTime),
       "Set by the server: when its deletion was asked for."},
      {"finalizers", List(Str()), "Set by the server: what must finish before it is gone."},
  });
  return schema;
}

const Schema& SpecSchema(bool is_template) {
  static const Schema sandbox = BuildSpec(false);
  static const Schema tmpl = BuildSpec(true);
  return is_template ? tmpl : sandbox;
}

const Field* FindField(const Schema& schema, const std::string& name) {
  for (const Field& f : schema.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace sesame::specs
