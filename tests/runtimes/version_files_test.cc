#include "runtimes/version_files.h"

#include <gtest/gtest.h>

#include "runtimes/plan.h"
#include "tests/runtimes/fixture.h"

namespace sesame::runtimes {
namespace {

std::vector<std::string> w;

TEST(VersionFilesTest, NvmrcSpellings) {
  EXPECT_EQ(ParseNodeVersion(".nvmrc", "v20.11.1\n")[0].version, "20.11.1");
  EXPECT_EQ(ParseNodeVersion(".nvmrc", "# pinned for CI\n\n  20  # major\n")[0].version, "20");
  EXPECT_EQ(ParseNodeVersion(".nvmrc", "# pinned\n\n20\n")[0].source, ".nvmrc:3");
  EXPECT_EQ(ParseNodeVersion(".nvmrc", "lts/*\n")[0].version, "lts");
  EXPECT_EQ(ParseNodeVersion(".nvmrc", "lts/hydrogen\n")[0].version, "lts-hydrogen");
  EXPECT_EQ(ParseNodeVersion(".nvmrc", "node")[0].version, "latest");
  EXPECT_EQ(ParseNodeVersion(".node-version", "22.3.0\r\n")[0].version, "22.3.0");
  EXPECT_TRUE(ParseNodeVersion(".nvmrc", "# nothing\n").empty());
}

TEST(VersionFilesTest, PythonRubyGo) {
  auto py = ParseVersionFile("python", ".python-version", "3.12.4\n# comment\n3.11 system\n", w);
  ASSERT_EQ(py.size(), 2u);
  EXPECT_EQ(py[0].version, "3.12.4");
  EXPECT_EQ(py[1].version, "3.11");
  EXPECT_EQ(py[1].source, ".python-version:3");
  EXPECT_EQ(ParseVersionFile("ruby", ".ruby-version", "ruby-3.3.0\n", w)[0].version, "3.3.0");
  EXPECT_EQ(ParseVersionFile("ruby", ".ruby-version", "3.2.2", w)[0].tool, "ruby");
  EXPECT_EQ(ParseVersionFile("go", ".go-version", "go1.22.3\n", w)[0].version, "1.22.3");
  EXPECT_EQ(ParseVersionFile("go", ".go-version", "1.21\n", w)[0].version, "1.21");
}

TEST(VersionFilesTest, ToolVersionsSeveralVersionsAndComments) {
  auto t = ParseToolVersions(".tool-versions",
                             "# asdf\nnodejs 20.11.1\npython 3.12.1 3.11.7  # two\n\nruby system\n");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].tool, "nodejs");
  EXPECT_EQ(t[1].version, "3.12.1");
  EXPECT_EQ(t[2].version, "3.11.7");
  EXPECT_EQ(t[2].source, ".tool-versions:3");
}

TEST(VersionFilesTest, MiseToml) {
  std::vector<std::string> warnings;
  auto t = ParseMiseToml("mise.toml", R"([env]
NODE_ENV = "production" # not a tool
[tools]
node = "22"                 # fuzzy
python = ["3.12", '3.11']
ruby = { version = "3.3", postinstall = "gem install bundler" }
"npm:prettier" = "3"
go = "prefix:1.22"
[tools.java]
version = "21"
[settings]
experimental = true
)", warnings);
  ASSERT_EQ(t.size(), 7u) << ::testing::PrintToString(warnings);
  EXPECT_EQ(t[0].tool, "node");
  EXPECT_EQ(t[0].source, "mise.toml:4");
  EXPECT_EQ(t[2].version, "3.11");
  EXPECT_EQ(t[3].version, "3.3");
  EXPECT_EQ(t[4].tool, "npm:prettier");
  EXPECT_EQ(t[5].version, "prefix:1.22");
  EXPECT_EQ(t[6].tool, "java");
  EXPECT_EQ(t[6].version, "21");
  EXPECT_TRUE(warnings.empty());
}

TEST(VersionFilesTest, KindsByName) {
  EXPECT_EQ(VersionFileKind(".nvmrc"), "node");
  EXPECT_EQ(VersionFileKind(".mise.toml"), "mise");
  EXPECT_EQ(VersionFileKind("package.json"), "");
}

TEST(DetectToolsTest, PrecedenceAndSources) {
  Project p;
  p.Write(".nvmrc", "lts/*\n")
      .Write(".python-version", "3.12\n")
      .Write(".ruby-version", "3.3.0\n")
      .Write(".go-version", "1.22.3\n")
      .Write(".tool-versions", "python 3.11.9\nterraform 1.7.0\n")
      .Write(".mise.toml", "[tools]\nnode = \"20\"\n");
  Result<Plan> plan = DetectPlan(p.path());
  ASSERT_TRUE(plan.ok());
  std::map<std::string, ToolVersion> by_tool;
  for (const ToolVersion& t : plan->tools) by_tool.emplace(t.tool, t);
  EXPECT_EQ(by_tool["node"].version, "20");            // mise.toml beats .nvmrc
  EXPECT_EQ(by_tool["node"].source, ".mise.toml:2");
  EXPECT_EQ(by_tool["python"].version, "3.11.9");      // .tool-versions beats .python-version
  EXPECT_EQ(by_tool["ruby"].version, "3.3.0");
  EXPECT_EQ(by_tool["go"].version, "1.22.3");
  EXPECT_EQ(by_tool["terraform"].source, ".tool-versions:2");
  EXPECT_EQ(plan->warnings.size(), 2u);  // .nvmrc and .python-version overridden
  EXPECT_TRUE(plan->NeedsMise());
  EXPECT_FALSE(plan->tools_hash.empty());
}

TEST(DetectToolsTest, HashFollowsContent) {
  Project p;
  p.Write(".nvmrc", "20\n");
  std::string first = DetectPlan(p.path())->tools_hash;
  EXPECT_EQ(DetectPlan(p.path())->tools_hash, first);
  p.Write(".nvmrc", "22\n");
  EXPECT_NE(DetectPlan(p.path())->tools_hash, first);
}

TEST(DetectToolsTest, MissingWorkspace) {
  EXPECT_EQ(DetectPlan("/nonexistent/sesame-runtimes").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace sesame::runtimes
