// FieldHashes covers every field the provider's resource is made from: a
// change of such a field changes its hash (and only its), so it reaches the
// resource; a change of the controller's fields changes no hash.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/fingerprint.h"
#include "providers/provider.h"
#include "specs/codec.h"
#include "specs/spec_fields.h"

namespace sesame::providers {
namespace {

TEST(FieldHashesTest, EveryResourceFieldIsHashedAndOnlyIts) {
  const auto defaults = FieldHashes(specs::SandboxSpec{});
  for (const specs::SpecField& f : specs::SpecFields()) {
    SCOPED_TRACE(f.field.name);
    auto spec = specs::DecodeSandboxSpec(
        nlohmann::json{{f.field.name, nlohmann::json::parse(f.example)}}.dump());
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    auto hashes = FieldHashes(*spec);
    ASSERT_EQ(hashes.size(), defaults.size());
    for (const auto& [name, hash] : defaults) {
      bool changed = hashes.at(name) != hash;
      bool expected = name == f.field.name && f.owner == specs::FieldOwner::kResource;
      EXPECT_EQ(changed, expected) << name;
    }
    if (f.owner == specs::FieldOwner::kResource) {
      EXPECT_TRUE(hashes.count(f.field.name));
    }
  }
}

TEST(FieldHashesTest, HashesAreStableAcrossVersions) {
  // Hashes are recorded with resources: changing how they are computed
  // would patch or recreate every existing sandbox after an upgrade. Each
  // is the fingerprint of the field's canonical JSON, "null" when absent.
  specs::SandboxSpec spec;
  spec.image = "node:22";
  auto hashes = FieldHashes(spec);
  EXPECT_EQ(hashes.size(), 13u);
  EXPECT_EQ(hashes.at("image"), Fingerprint(R"("node:22")"));
  EXPECT_EQ(hashes.at("command"), Fingerprint("null"));
  EXPECT_EQ(hashes.at("workspace"), Fingerprint(R"({"mountPath":"/workspace"})"));
  EXPECT_EQ(hashes.at("runtimes"), Fingerprint(R"({"installDependencies":true,"mise":"off"})"));
  EXPECT_EQ(hashes.at("stdin"), Fingerprint("false"));
}

}  // namespace
}  // namespace sesame::providers
