#include "controller/api/openapi_v2_protobuf.h"

#include "common/protobuf_wire.h"

// Field numbers are those of OpenAPIv2.proto; each function writes one
// message type, its fields in ascending number.
namespace sesame::controller::api {

using nlohmann::json;

namespace {

bool IsExtension(const std::string& key) { return key.rfind("x-", 0) == 0; }

// Any { google.protobuf.Any value = 1; string yaml = 2; }
ProtobufWriter AnyOf(const json& value) {
  ProtobufWriter any;
  any.String(2, value.dump());
  return any;
}

// repeated NamedAny vendor_extension = `field` (NamedAny: name 1, value 2).
void Extensions(ProtobufWriter& out, int field, const json& object) {
  for (const auto& [key, value] : object.items()) {
    if (!IsExtension(key)) continue;
    ProtobufWriter named;
    named.String(1, key);
    named.Message(2, AnyOf(value));
    out.Message(field, named);
  }
}

void StringField(ProtobufWriter& out, int field, const json& object, const char* key) {
  auto it = object.find(key);
  if (it != object.end() && it->is_string()) out.String(field, it->get<std::string>());
}

void BoolField(ProtobufWriter& out, int field, const json& object, const char* key) {
  auto it = object.find(key);
  if (it != object.end() && it->is_boolean()) out.Bool(field, it->get<bool>());
}

void DoubleField(ProtobufWriter& out, int field, const json& object, const char* key) {
  auto it = object.find(key);
  if (it != object.end() && it->is_number()) out.Double(field, it->get<double>());
}

void IntField(ProtobufWriter& out, int field, const json& object, const char* key) {
  auto it = object.find(key);
  if (it != object.end() && it->is_number_integer()) out.Varint(field, it->get<int64_t>());
}

void StringsField(ProtobufWriter& out, int field, const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return;
  if (it->is_string()) out.String(field, it->get<std::string>());
  if (!it->is_array()) return;
  for (const auto& s : *it) {
    if (s.is_string()) out.String(field, s.get<std::string>());
  }
}

ProtobufWriter SchemaOf(const json& s);

// Properties / Definitions { repeated NamedSchema additional_properties = 1; }
ProtobufWriter NamedSchemas(const json& object) {
  ProtobufWriter out;
  for (const auto& [name, schema] : object.items()) {
    ProtobufWriter named;
    named.String(1, name);
    named.Message(2, SchemaOf(schema));
    out.Message(1, named);
  }
  return out;
}

// Schema.
ProtobufWriter SchemaOf(const json& s) {
  ProtobufWriter out;
  if (!s.is_object()) return out;
  StringField(out, 1, s, "$ref");
  StringField(out, 2, s, "format");
  StringField(out, 3, s, "title");
  StringField(out, 4, s, "description");
  if (s.contains("default")) out.Message(5, AnyOf(s["default"]));
  DoubleField(out, 6, s, "multipleOf");
  DoubleField(out, 7, s, "maximum");
  BoolField(out, 8, s, "exclusiveMaximum");
  DoubleField(out, 9, s, "minimum");
  BoolField(out, 10, s, "exclusiveMinimum");
  IntField(out, 11, s, "maxLength");
  IntField(out, 12, s, "minLength");
  StringField(out, 13, s, "pattern");
  IntField(out, 14, s, "maxItems");
  IntField(out, 15, s, "minItems");
  BoolField(out, 16, s, "uniqueItems");
  IntField(out, 17, s, "maxProperties");
  IntField(out, 18, s, "minProperties");
  StringsField(out, 19, s, "required");
  if (auto it = s.find("enum"); it != s.end() && it->is_array()) {
    for (const auto& value : *it) out.Message(20, AnyOf(value));
  }
  // AdditionalPropertiesItem { oneof { Schema schema = 1; bool boolean = 2; } }
  if (auto it = s.find("additionalProperties"); it != s.end()) {
    ProtobufWriter item;
    if (it->is_boolean()) item.Bool(2, it->get<bool>());
    if (it->is_object()) item.Message(1, SchemaOf(*it));
    out.Message(21, item);
  }
  // TypeItem { repeated string value = 1; }
  if (s.contains("type")) {
    ProtobufWriter type;
    StringsField(type, 1, s, "type");
    out.Message(22, type);
  }
  // ItemsItem { repeated Schema schema = 1; }
  if (auto it = s.find("items"); it != s.end()) {
    ProtobufWriter items;
    if (it->is_object()) items.Message(1, SchemaOf(*it));
    if (it->is_array()) {
      for (const auto& item : *it) items.Message(1, SchemaOf(item));
    }
    out.Message(23, items);
  }
  if (auto it = s.find("allOf"); it != s.end() && it->is_array()) {
    for (const auto& part : *it) out.Message(24, SchemaOf(part));
  }
  if (auto it = s.find("properties"); it != s.end() && it->is_object()) out.Message(25, NamedSchemas(*it));
  StringField(out, 26, s, "discriminator");
  BoolField(out, 27, s, "readOnly");
  if (s.contains("example")) out.Message(30, AnyOf(s["example"]));
  Extensions(out, 31, s);
  return out;
}

// A non-body parameter: header (1), formData (2), query (3) or path (4),
// each its own message; query and formData have allow_empty_value at 5,
// which moves their later fields up by one.
ProtobufWriter NonBodyParameter(const json& p) {
  const std::string in = p.value("in", "");
  const int kind = in == "header" ? 1 : in == "formData" ? 2 : in == "path" ? 4 : 3;
  const int shift = (kind == 2 || kind == 3) ? 1 : 0;
  ProtobufWriter sub;
  BoolField(sub, 1, p, "required");
  StringField(sub, 2, p, "in");
  StringField(sub, 3, p, "description");
  StringField(sub, 4, p, "name");
  if (shift) BoolField(sub, 5, p, "allowEmptyValue");
  StringField(sub, 5 + shift, p, "type");
  StringField(sub, 6 + shift, p, "format");
  BoolField(sub, 19 + shift, p, "uniqueItems");
  Extensions(sub, 22 + shift, p);
  ProtobufWriter non_body;
  non_body.Message(kind, sub);
  return non_body;
}

// ParametersItem { oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
ProtobufWriter ParametersItem(const json& p) {
  ProtobufWriter item;
  if (p.contains("$ref")) {
    ProtobufWriter reference;
    StringField(reference, 1, p, "$ref");
    StringField(reference, 2, p, "description");
    item.Message(2, reference);
    return item;
  }
  // Parameter { oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
  ProtobufWriter parameter;
  if (p.value("in", "") == "body") {
    ProtobufWriter body;
    StringField(body, 1, p, "description");
    StringField(body, 2, p, "name");
    StringField(body, 3, p, "in");
    BoolField(body, 4, p, "required");
    if (p.contains("schema")) body.Message(5, SchemaOf(p["schema"]));
    Extensions(body, 6, p);
    parameter.Message(1, body);
  } else {
    parameter.Message(2, NonBodyParameter(p));
  }
  item.Message(1, parameter);
  return item;
}

void Parameters(ProtobufWriter& out, int field, const json& object) {
  auto it = object.find("parameters");
  if (it == object.end() || !it->is_array()) return;
  for (const auto& p : *it) out.Message(field, ParametersItem(p));
}

// Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
ProtobufWriter ResponsesOf(const json& responses) {
  ProtobufWriter out;
  for (const auto& [code, r] : responses.items()) {
    if (IsExtension(code)) continue;
    // Response { description 1; SchemaItem schema 2 (oneof Schema schema = 1); }
    ProtobufWriter response;
    StringField(response, 1, r, "description");
    if (r.contains("schema")) {
      ProtobufWriter schema_item;
      schema_item.Message(1, SchemaOf(r["schema"]));
      response.Message(2, schema_item);
    }
    Extensions(response, 5, r);
    ProtobufWriter value;  // ResponseValue { oneof { Response response = 1; ... } }
    value.Message(1, response);
    ProtobufWriter named;
    named.String(1, code);
    named.Message(2, value);
    out.Message(1, named);
  }
  Extensions(out, 2, responses);
  return out;
}

ProtobufWriter OperationOf(const json& o) {
  ProtobufWriter out;
  StringsField(out, 1, o, "tags");
  StringField(out, 2, o, "summary");
  StringField(out, 3, o, "description");
  StringField(out, 5, o, "operationId");
  StringsField(out, 6, o, "produces");
  StringsField(out, 7, o, "consumes");
  Parameters(out, 8, o);
  if (o.contains("responses")) out.Message(9, ResponsesOf(o["responses"]));
  StringsField(out, 10, o, "schemes");
  BoolField(out, 11, o, "deprecated");
  Extensions(out, 13, o);
  return out;
}

ProtobufWriter PathItemOf(const json& item) {
  ProtobufWriter out;
  StringField(out, 1, item, "$ref");
  const std::pair<const char*, int> methods[] = {{"get", 2},     {"put", 3},  {"post", 4}, {"delete", 5},
                                                 {"options", 6}, {"head", 7}, {"patch", 8}};
  for (const auto& [method, field] : methods) {
    if (item.contains(method)) out.Message(field, OperationOf(item[method]));
  }
  Parameters(out, 9, item);
  Extensions(out, 10, item);
  return out;
}

// Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
ProtobufWriter PathsOf(const json& paths) {
  ProtobufWriter out;
  Extensions(out, 1, paths);
  for (const auto& [path, item] : paths.items()) {
    if (IsExtension(path)) continue;
    ProtobufWriter named;
    named.String(1, path);
    named.Message(2, PathItemOf(item));
    out.Message(2, named);
  }
  return out;
}

}  // namespace

std::string OpenApiV2Protobuf(const json& d) {
  ProtobufWriter doc;
  StringField(doc, 1, d, "swagger");
  if (auto it = d.find("info"); it != d.end()) {
    ProtobufWriter info;  // Info { title 1; version 2; description 3; }
    StringField(info, 1, *it, "title");
    StringField(info, 2, *it, "version");
    StringField(info, 3, *it, "description");
    Extensions(info, 7, *it);
    doc.Message(2, info);
  }
  StringField(doc, 3, d, "host");
  StringField(doc, 4, d, "basePath");
  StringsField(doc, 5, d, "schemes");
  StringsField(doc, 6, d, "consumes");
  StringsField(doc, 7, d, "produces");
  if (d.contains("paths")) doc.Message(8, PathsOf(d["paths"]));
  if (d.contains("definitions")) doc.Message(9, NamedSchemas(d["definitions"]));
  Extensions(doc, 16, d);
  return doc.bytes();
}

}  // namespace sesame::controller::api
