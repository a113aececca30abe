#include "specs/json_schema.h"

#include "specs/object.h"

namespace sesame::specs {

using nlohmann::json;

json ToJsonSchema(const Schema& schema) {
  json out = json::object();
  switch (schema.type) {
    case FieldType::kObject: {
      out["type"] = "object";
      out["properties"] = json::object();
      json required = json::array();
      for (const Field& f : schema.fields) {
        json property = ToJsonSchema(f.schema);
        if (!f.description.empty()) property["description"] = f.description;
        out["properties"][f.name] = std::move(property);
        if (f.required) required.push_back(f.name);
      }
      if (!required.empty()) out["required"] = std::move(required);
      out["additionalProperties"] = false;
      break;
    }
    case FieldType::kList:
      out["type"] = "array";
      out["items"] = ToJsonSchema(schema.item.front());
      if (!schema.merge_key.empty()) {
        out["x-kubernetes-list-type"] = "map";
        out["x-kubernetes-list-map-keys"] = json::array({schema.merge_key});
      }
      break;
    case FieldType::kStringMap:
      out["type"] = "object";
      out["additionalProperties"] = {{"type", "string"}};
      break;
    case FieldType::kString: out["type"] = "string"; break;
    case FieldType::kEnum:
      out["type"] = "string";
      out["enum"] = schema.values;
      break;
    case FieldType::kBool: out["type"] = "boolean"; break;
    case FieldType::kInt:
      out["type"] = "integer";
      out["minimum"] = schema.min;
      if (schema.max != std::numeric_limits<int64_t>::max()) out["maximum"] = schema.max;
      break;
    case FieldType::kQuantity:
      out["type"] = "string";
      out["format"] = "quantity";
      break;
    case FieldType::kDuration:
      out["type"] = "string";
      out["format"] = "duration";
      break;
    case FieldType::kTime:
      out["type"] = "string";
      out["format"] = "date-time";
      break;
    case FieldType::kAny:
      if (schema.rule == Rule::kResourceVersion) out["x-kubernetes-int-or-string"] = true;
      break;
  }
  return out;
}

json ObjectJsonSchema(bool is_template) {
  return ObjectJsonSchema(is_template ? kKindSandboxTemplate : kKindSandbox, SpecSchema(is_template), !is_template);
}

json ObjectJsonSchema(const std::string& kind, const Schema& spec, bool has_status) {
  json out = {{"type", "object"},
              {"required", {"apiVersion", "kind", "metadata"}},
              {"properties",
               {{"apiVersion", {{"type", "string"}, {"enum", {kApiVersion}}}},
                {"kind", {{"type", "string"}, {"enum", {kind}}}},
                {"metadata", ToJsonSchema(MetadataSchema())},
                {"spec", ToJsonSchema(spec)}}}};
  if (has_status) {
    out["properties"]["status"] = {{"type", "object"},
                                   {"description", "Written by the controller."},
                                   {"x-kubernetes-preserve-unknown-fields", true}};
  }
  return out;
}

}  // namespace sesame::specs
