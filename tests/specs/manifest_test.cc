#include "specs/manifest.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "specs/codec.h"

namespace sesame::specs {
namespace {

using nlohmann::json;

constexpr char kTwoDocs[] = R"(# a sandbox and its template
apiVersion: sesame.dev/v1alpha1
kind: SandboxTemplate
metadata:
  name: node-agent
spec:
  provider: docker
  image: node:22
  env:
    - {name: LOG_LEVEL, value: info}
---
apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata:
  name: fix-login-bug
  namespace: team-a
  labels: {app: reviewer}
spec:
  templateRef: node-agent
  env:
    - {name: LOG_LEVEL, value: debug}
)";

TEST(ManifestTest, MultiDocument) {
  ParsedManifests p = ParseManifests(kTwoDocs, "two.yaml");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  ASSERT_EQ(p.objects.size(), 2u);
  EXPECT_EQ(p.objects[0].kind, "SandboxTemplate");
  EXPECT_EQ(p.objects[0].metadata.namespace_, "default");
  EXPECT_EQ(p.objects[1].metadata.namespace_, "team-a");
  EXPECT_EQ(p.objects[1].metadata.labels.at("app"), "reviewer");
  ASSERT_EQ(p.origins.size(), 2u);
  EXPECT_EQ(p.origins[0].line, 2);
  EXPECT_EQ(p.origins[1].line, 12);
  // Template and templated sandbox keep only what was written.
  EXPECT_EQ(p.objects[0].spec,
            R"({"env":[{"name":"LOG_LEVEL","value":"info"}],"image":"node:22","provider":"docker"})");
  EXPECT_EQ(p.objects[1].spec,
            R"({"env":[{"name":"LOG_LEVEL","value":"debug"}],"templateRef":"node-agent"})");
}

TEST(ManifestTest, SandboxWithoutTemplateGetsDefaults) {
  ParsedManifests p = ParseManifests(
      "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: a}\n", "a.yaml");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(p.objects[0].spec,
            R"({"deletionPolicy":"Delete","provider":"filesystem","restartPolicy":"Never",)"
            R"("runtimes":{"installDependencies":true,"mise":"off"},"stdin":false,"suspend":false,)"
            R"("workspace":{"mountPath":"/workspace"}})");
}

TEST(ManifestTest, NumbersKeepTheirText) {
  ParsedManifests p = ParseManifests(
      "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: a\n"
      "  labels: {version: 1.10, enabled: true}\n"
      "spec:\n  resources: {cpu: 2, memory: 0.50}\n  env:\n    - {name: PORT, value: 8080}\n",
      "a.yaml");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  json spec = json::parse(p.objects[0].spec);
  EXPECT_EQ(spec["resources"]["cpu"], "2");
  EXPECT_EQ(spec["resources"]["memory"], "0.50");
  EXPECT_EQ(spec["env"][0]["value"], "8080");
  EXPECT_EQ(p.objects[0].metadata.labels.at("version"), "1.10");
  EXPECT_EQ(p.objects[0].metadata.labels.at("enabled"), "true");
}

TEST(ManifestTest, NullMeansUnset) {
  ParsedManifests p = ParseManifests(
      "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: a}\n"
      "spec:\n  image:\n  agent: ~\n",
      "a.yaml");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(p.objects[0].spec.find("image"), std::string::npos);
}

TEST(ManifestTest, JsonForms) {
  const std::string one =
      R"({"apiVersion":"sesame.dev/v1alpha1","kind":"Sandbox","metadata":{"name":"a"},)"
      R"("spec":{"ports":[3000],"resources":{"cpu":"500m"}}})";
  ParsedManifests p = ParseManifests(one, "a.json");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(json::parse(p.objects[0].spec)["ports"][0], 3000);

  p = ParseManifests("[" + one + ",\n" + one + "]", "list.json");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(p.objects.size(), 2u);

  p = ParseManifests(R"({"apiVersion":"v1","kind":"List","items":[)" + one + "]}", "l.json");
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(p.objects.size(), 1u);

  // Errors inside a list name the object's own field path.
  std::string bad = R"({"kind":"SandboxList","items":[)" + one + R"(,
{"apiVersion":"sesame.dev/v1alpha1","kind":"Sandbox","metadata":{"name":"b"},"spec":{"imag":"x"}}]})";
  EXPECT_EQ(ParseManifests(bad, "l.json").ErrorText(),
            "l.json:2:86: spec.imag: unknown field (did you mean \"image\"?)\n");
}

TEST(ManifestTest, ErrorToString) {
  ManifestError e{{"f.yaml", 3, 4}, "spec.x", "bad"};
  EXPECT_EQ(e.ToString(), "f.yaml:3:4: spec.x: bad");
  ManifestError doc{{"f.yaml", 0, 0}, "", "no documents in file"};
  EXPECT_EQ(doc.ToString(), "f.yaml: no documents in file");
}

class LoadManifestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("specs_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "sub");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& name) {
    std::ofstream(dir_ / rel) << "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\n"
                                 "metadata: {name: " << name << "}\n";
  }
  std::vector<std::string> Names(const ParsedManifests& p) {
    std::vector<std::string> out;
    for (const auto& o : p.objects) out.push_back(o.metadata.name);
    return out;
  }

  std::filesystem::path dir_;
};

TEST_F(LoadManifestsTest, DirectoryInSortedOrder) {
  Write("b.yaml", "b");
  Write("a.yml", "a");
  Write("c.json", "c");  // YAML text in a .json file still parses
  Write("notes.txt", "ignored");
  Write(".hidden.yaml", "hidden");
  Write("sub/d.yaml", "d");
  ParsedManifests p = LoadManifests({dir_.string()}, false);
  ASSERT_TRUE(p.ok()) << p.ErrorText();
  EXPECT_EQ(Names(p), (std::vector<std::string>{"a", "b", "c"}));
  p = LoadManifests({dir_.string()}, true);
  EXPECT_EQ(Names(p), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(p.origins[3].file, (dir_ / "sub" / "d.yaml").string());
}

TEST_F(LoadManifestsTest, MissingPathAndErrorsAcrossFiles) {
  Write("a.yaml", "Bad_Name");
  std::ofstream(dir_ / "b.yaml") << "";
  ParsedManifests p = LoadManifests({(dir_ / "nope.yaml").string(), dir_.string()}, false);
  ASSERT_EQ(p.errors.size(), 3u) << p.ErrorText();
  EXPECT_EQ(p.errors[0].ToString(), (dir_ / "nope.yaml").string() + ": no such file or directory");
  EXPECT_EQ(p.errors[1].pos.file, (dir_ / "a.yaml").string());
  EXPECT_EQ(p.errors[1].field, "metadata.name");
  EXPECT_EQ(p.errors[2].message, "no documents in file");
}

}  // namespace
}  // namespace sesame::specs
