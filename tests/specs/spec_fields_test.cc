// The spec field table covers every member of SandboxSpec, and each row's
// decoder, encoder, schema and description agree.

#include "specs/spec_fields.h"

#include <set>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/json_schema.h"
#include "specs/validate_schema.h"

namespace sesame::specs {
namespace {

using nlohmann::json;

// Counts the members of an aggregate: the most initializers `T{...}`
// accepts, each convertible to any member type.
struct AnyMember {
  template <typename T>
  operator T() const;  // NOLINT: implicit on purpose; never defined (unevaluated only)
};

template <typename T, typename... Args>
constexpr size_t CountMembers(Args... args) {
  if constexpr (requires { T{args..., AnyMember{}}; }) {
    return CountMembers<T>(args..., AnyMember{});
  } else {
    return sizeof...(Args);
  }
}

TEST(SpecFieldsTest, EveryMemberOfTheSpecHasARow) {
  // A new SandboxSpec member without a row in specs/spec_fields.cc would
  // be neither decoded, encoded, validated, merged nor hashed.
  EXPECT_EQ(CountMembers<SandboxSpec>(), SpecFields().size());
}

TEST(SpecFieldsTest, NamesAreUniqueAndDescribed) {
  std::set<std::string> names;
  for (const SpecField& f : SpecFields()) {
    EXPECT_TRUE(names.insert(f.field.name).second) << f.field.name;
    EXPECT_FALSE(f.field.description.empty()) << f.field.name;
    for (const Field& nested : f.field.schema.fields) {
      EXPECT_FALSE(nested.description.empty()) << f.field.name << "." << nested.name;
    }
  }
}

// Each row's example decodes to something other than the default, encodes
// back to itself, and changes no other field.
TEST(SpecFieldsTest, ExamplesRoundTripThroughTheRow) {
  const std::string defaults = EncodeSandboxSpec(SandboxSpec{});
  json default_json = json::parse(defaults);
  for (const SpecField& f : SpecFields()) {
    SCOPED_TRACE(f.field.name);
    json example = json::parse(f.example);
    auto spec = DecodeSandboxSpec(json{{f.field.name, example}}.dump());
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    json encoded = json::parse(EncodeSandboxSpec(*spec));
    ASSERT_TRUE(encoded.contains(f.field.name));
    // Objects come back with their defaults filled in.
    if (example.is_object()) {
      for (auto it = example.begin(); it != example.end(); ++it) {
        EXPECT_EQ(encoded[f.field.name][it.key()], *it);
      }
    } else {
      EXPECT_EQ(encoded[f.field.name], example);
    }
    EXPECT_NE(encoded[f.field.name], default_json.value(f.field.name, json()));
    for (auto it = encoded.begin(); it != encoded.end(); ++it) {
      if (it.key() != f.field.name) {
        EXPECT_EQ(*it, default_json[it.key()]) << it.key();
      }
    }
  }
}

TEST(SpecFieldsTest, SchemaIsTheTable) {
  const Schema& sandbox = SpecSchema(false);
  const Schema& tmpl = SpecSchema(true);
  ASSERT_EQ(sandbox.fields.size(), SpecFields().size());
  for (size_t i = 0; i < SpecFields().size(); ++i) {
    EXPECT_EQ(sandbox.fields[i].name, SpecFields()[i].field.name);
  }
  EXPECT_EQ(FindField(tmpl, "templateRef"), nullptr);
  EXPECT_NE(FindField(sandbox, "templateRef"), nullptr);
  EXPECT_EQ(FindField(sandbox, "env")->schema.merge_key, "name");
}

TEST(SpecFieldsTest, ByNameIsSorted) {
  const auto& sorted = SpecFieldsByName();
  ASSERT_EQ(sorted.size(), SpecFields().size());
  for (size_t i = 1; i < sorted.size(); ++i) {
    EXPECT_LT(sorted[i - 1]->field.name, sorted[i]->field.name);
  }
}

TEST(SpecFieldsTest, ResourceFieldsAreTheResourceRows) {
  std::set<std::string> names(ResourceFieldNames().begin(), ResourceFieldNames().end());
  for (const SpecField& f : SpecFields()) {
    EXPECT_EQ(names.count(f.field.name) == 1, f.owner == FieldOwner::kResource) << f.field.name;
  }
  EXPECT_TRUE(names.count("image"));
  EXPECT_FALSE(names.count("provider"));
  EXPECT_FALSE(names.count("suspend"));
}

TEST(JsonSchemaTest, CarriesDescriptionsTypesAndRules) {
  json s = ObjectJsonSchema(/*is_template=*/false);
  const json& spec = s["properties"]["spec"];
  EXPECT_EQ(spec["type"], "object");
  EXPECT_EQ(spec["additionalProperties"], false);
  EXPECT_EQ(spec["properties"]["image"]["type"], "string");
  EXPECT_FALSE(spec["properties"]["image"]["description"].get<std::string>().empty());
  EXPECT_EQ(spec["properties"]["restartPolicy"]["enum"],
            json::array({"Never", "OnFailure", "Always"}));
  EXPECT_EQ(spec["properties"]["ports"]["items"]["maximum"], 65535);
  EXPECT_EQ(spec["properties"]["env"]["items"]["required"], json::array({"name"}));
  EXPECT_EQ(spec["properties"]["env"]["x-kubernetes-list-map-keys"], json::array({"name"}));
  EXPECT_EQ(spec["properties"]["lifetime"]["properties"]["expiresAt"]["format"], "date-time");
  EXPECT_EQ(s["properties"]["metadata"]["required"], json::array({"name"}));
  json t = ObjectJsonSchema(/*is_template=*/true);
  EXPECT_FALSE(t["properties"]["spec"]["properties"].contains("templateRef"));
  EXPECT_FALSE(t["properties"].contains("status"));
}

}  // namespace
}  // namespace sesame::specs
