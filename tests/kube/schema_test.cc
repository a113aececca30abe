// `sesame schema`: the JSON Schema editors read, kept equal to the copy in
// docs/schema/ that the examples' yaml-language-server modelines name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/testing/run_command.h"

namespace sesame::kube {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SchemaTest, DocsHoldWhatSesameSchemaPrints) {
  for (const std::string kind : {"", "sandbox", "sandboxtemplate", "gitsync", "sandboxpool", "sandboxquota"}) {
    std::vector<std::string> argv = {SESAME_BINARY, "schema"};
    if (!kind.empty()) argv.push_back(kind);
    auto printed = testing::RunCommand(argv);
    ASSERT_EQ(printed.exit_code, 0) << printed.err;
    std::string file = std::string(SESAME_SOURCE_DIR) + "/docs/schema/" + (kind.empty() ? "sesame" : kind) + ".json";
    EXPECT_EQ(printed.out, Read(file)) << "regenerate with: build/sesame schema " << kind << " > " << file;
  }
  auto sandbox = nlohmann::json::parse(testing::RunCommand({SESAME_BINARY, "schema", "sb"}).out);
  auto ttl = sandbox["properties"]["spec"]["properties"]["lifetime"]["properties"]["ttl"];
  EXPECT_FALSE(ttl.value("description", "").empty()) << ttl;
  EXPECT_EQ(testing::RunCommand({SESAME_BINARY, "schema", "pods"}).exit_code, 2);
  auto every = nlohmann::json::parse(testing::RunCommand({SESAME_BINARY, "schema"}).out);
  std::set<std::string> kinds;
  for (const auto& k : every["oneOf"]) kinds.insert(k["properties"]["kind"]["enum"][0].get<std::string>());
  EXPECT_EQ(kinds, (std::set<std::string>{"Sandbox", "SandboxTemplate", "GitSync", "SandboxPool", "SandboxQuota"}));
}

TEST(SchemaTest, ExamplesNameTheSchema) {
  std::string root = std::string(SESAME_SOURCE_DIR) + "/examples";
  for (const std::string dir : {"", "/providers"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root + dir)) {
      if (entry.path().extension() != ".yaml") continue;
      std::string first = Read(entry.path());
      first = first.substr(0, first.find('\n'));
      std::string up = dir.empty() ? "../" : "../../";
      EXPECT_EQ(first, "# yaml-language-server: $schema=" + up + "docs/schema/sesame.json") << entry.path();
    }
  }
}

}  // namespace
}  // namespace sesame::kube
