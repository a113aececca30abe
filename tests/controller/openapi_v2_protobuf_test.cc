// The OpenAPI v2 document in gnostic's protobuf form, read back with a
// small wire-format reader: the field numbers of OpenAPIv2.proto.
#include "controller/api/openapi_v2_protobuf.h"

#include <cstring>
#include <map>

#include <gtest/gtest.h>

namespace sesame::controller::api {
namespace {

using nlohmann::json;

// One message's fields: number -> the values in order (varints as their
// decimal text, fixed64 as the double they hold, length-delimited raw).
using Fields = std::multimap<int, std::string>;

Fields Read(const std::string& bytes) {
  Fields fields;
  size_t at = 0;
  auto varint = [&] {
    uint64_t value = 0;
    for (int shift = 0; at < bytes.size(); shift += 7) {
      auto byte = static_cast<unsigned char>(bytes[at++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    return value;
  };
  while (at < bytes.size()) {
    uint64_t tag = varint();
    int field = static_cast<int>(tag >> 3);
    switch (tag & 7) {
      case 0: fields.emplace(field, std::to_string(varint())); break;
      case 1: {
        double d;
        std::memcpy(&d, bytes.data() + at, 8);
        at += 8;
        fields.emplace(field, std::to_string(d));
        break;
      }
      case 2: {
        size_t size = varint();
        fields.emplace(field, bytes.substr(at, size));
        at += size;
        break;
      }
      default: ADD_FAILURE() << "wire type " << (tag & 7); return fields;
    }
  }
  EXPECT_EQ(at, bytes.size());
  return fields;
}

std::string One(const Fields& f, int field) {
  auto [begin, end] = f.equal_range(field);
  EXPECT_EQ(std::distance(begin, end), 1) << "field " << field;
  return begin == end ? "" : begin->second;
}

// NamedSchema / NamedAny / NamedPathItem lists: name (1) -> value (2).
std::map<std::string, std::string> Named(const Fields& f, int field) {
  std::map<std::string, std::string> out;
  auto [begin, end] = f.equal_range(field);
  for (auto it = begin; it != end; ++it) {
    Fields named = Read(it->second);
    out[One(named, 1)] = One(named, 2);
  }
  return out;
}

TEST(OpenApiV2ProtobufTest, EncodesSchemasWithTheirGnosticFieldNumbers) {
  json doc = {
      {"swagger", "2.0"},
      {"info", {{"title", "T"}, {"version", "v1"}}},
      {"definitions",
       {{"a.Thing",
         {{"type", "object"},
          {"description", "A thing."},
          {"required", {"spec"}},
          {"properties",
           {{"spec", {{"$ref", "#/definitions/a.Spec"}, {"description", "Its spec."}}},
            {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"labels", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
            {"count", {{"type", "integer"}, {"minimum", 1}, {"maximum", 64}}},
            {"mode", {{"type", "string"}, {"enum", {"fast", "slow"}}}}}},
          {"additionalProperties", false},
          {"x-kubernetes-group-version-kind", {{{"group", "g"}, {"version", "v1"}, {"kind", "Thing"}}}}}},
        {"a.Spec", {{"type", "object"}, {"oneOf", {{{"required", {"x"}}}}}}}}}};
  Fields d = Read(OpenApiV2Protobuf(doc));
  EXPECT_EQ(One(d, 1), "2.0");
  Fields info = Read(One(d, 2));
  EXPECT_EQ(One(info, 1), "T");
  EXPECT_EQ(One(info, 2), "v1");
  auto definitions = Named(Read(One(d, 9)), 1);
  ASSERT_EQ(definitions.size(), 2u);

  Fields thing = Read(definitions["a.Thing"]);
  EXPECT_EQ(One(thing, 4), "A thing.");
  EXPECT_EQ(One(thing, 19), "spec");
  EXPECT_EQ(One(Read(One(thing, 22)), 1), "object");            // TypeItem.value
  EXPECT_EQ(One(Read(One(thing, 21)), 2), "0");                 // AdditionalPropertiesItem.boolean
  auto extensions = Named(thing, 31);
  ASSERT_EQ(extensions.count("x-kubernetes-group-version-kind"), 1u);
  // Any.yaml (2) holds the value; JSON text is YAML.
  EXPECT_EQ(json::parse(One(Read(extensions["x-kubernetes-group-version-kind"]), 2)),
            json::parse(R"([{"group":"g","kind":"Thing","version":"v1"}])"));

  auto properties = Named(Read(One(thing, 25)), 1);
  Fields spec = Read(properties["spec"]);
  EXPECT_EQ(One(spec, 1), "#/definitions/a.Spec");  // _ref
  EXPECT_EQ(One(spec, 4), "Its spec.");
  EXPECT_EQ(spec.count(22), 0u) << "a reference has no type";
  Fields tags = Read(properties["tags"]);
  // ItemsItem.schema (1) -> Schema.type (22) -> TypeItem.value (1).
  EXPECT_EQ(One(Read(One(Read(One(Read(One(tags, 23)), 1)), 22)), 1), "string");
  Fields labels = Read(properties["labels"]);
  // AdditionalPropertiesItem.schema (1) -> Schema.type -> TypeItem.value.
  EXPECT_EQ(One(Read(One(Read(One(Read(One(labels, 21)), 1)), 22)), 1), "string");
  Fields count = Read(properties["count"]);
  EXPECT_EQ(One(count, 9), std::to_string(1.0));   // minimum, a double
  EXPECT_EQ(One(count, 7), std::to_string(64.0));  // maximum
  Fields mode = Read(properties["mode"]);
  auto [first, last] = mode.equal_range(20);  // enum: Any each
  ASSERT_EQ(std::distance(first, last), 2);
  EXPECT_EQ(One(Read(first->second), 2), "\"fast\"");

  // v2 has no oneOf: left out, the rest kept.
  Fields spec_schema = Read(definitions["a.Spec"]);
  EXPECT_EQ(spec_schema.size(), 1u);
}

TEST(OpenApiV2ProtobufTest, EncodesPathsOperationsAndParameters) {
  json doc = {{"swagger", "2.0"},
              {"paths",
               {{"/things/{name}",
                 {{"parameters", {{{"name", "name"}, {"in", "path"}, {"required", true}, {"type", "string"}}}},
                  {"patch",
                   {{"operationId", "patchThing"},
                    {"x-kubernetes-action", "patch"},
                    {"parameters",
                     {{{"name", "fieldValidation"}, {"in", "query"}, {"type", "string"}, {"uniqueItems", true}},
                      {{"name", "body"}, {"in", "body"}, {"required", true}, {"schema", {{"type", "object"}}}}}},
                    {"responses", {{"200", {{"description", "OK"}, {"schema", {{"$ref", "#/definitions/T"}}}}}}}}}}}}}};
  Fields d = Read(OpenApiV2Protobuf(doc));
  auto paths = Named(Read(One(d, 8)), 2);  // Paths.path
  Fields item = Read(paths["/things/{name}"]);
  // PathItem.parameters (9) -> ParametersItem.parameter (1) -> Parameter.non_body (2) -> path (4).
  Fields path_param = Read(One(Read(One(Read(One(Read(One(item, 9)), 1)), 2)), 4));
  EXPECT_EQ(One(path_param, 1), "1");  // required
  EXPECT_EQ(One(path_param, 4), "name");
  EXPECT_EQ(One(path_param, 5), "string");  // type

  Fields patch = Read(One(item, 8));
  EXPECT_EQ(One(patch, 5), "patchThing");
  EXPECT_EQ(One(Read(Named(patch, 13)["x-kubernetes-action"]), 2), "\"patch\"");
  auto [first, last] = patch.equal_range(8);
  ASSERT_EQ(std::distance(first, last), 2);
  Fields query = Read(One(Read(One(Read(One(Read(first->second), 1)), 2)), 3));
  EXPECT_EQ(One(query, 4), "fieldValidation");
  EXPECT_EQ(One(query, 6), "string");  // type is 6 in a query parameter
  EXPECT_EQ(One(query, 20), "1");      // uniqueItems
  Fields body = Read(One(Read(One(Read(std::next(first)->second), 1)), 1));
  EXPECT_EQ(One(body, 2), "body");
  EXPECT_EQ(One(body, 4), "1");
  EXPECT_EQ(One(Read(One(Read(One(body, 5)), 22)), 1), "object");

  // Responses.response_code -> ResponseValue.response -> Response.schema -> SchemaItem.schema.
  auto codes = Named(Read(One(patch, 9)), 1);
  Fields response = Read(One(Read(codes["200"]), 1));
  EXPECT_EQ(One(response, 1), "OK");
  EXPECT_EQ(One(Read(One(Read(One(response, 2)), 1)), 1), "#/definitions/T");
}

}  // namespace
}  // namespace sesame::controller::api
