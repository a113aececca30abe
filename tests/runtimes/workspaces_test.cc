#include "runtimes/workspaces.h"

#include <gtest/gtest.h>

#include "runtimes/plan.h"
#include "tests/runtimes/fixture.h"

namespace sesame::runtimes {
namespace {

using Strings = std::vector<std::string>;

TEST(WorkspacesTest, ParsersFromStrings) {
  EXPECT_EQ(PackageJsonWorkspaces(R"({"workspaces":["packages/*","apps/web"]})"),
            (Strings{"packages/*", "apps/web"}));
  EXPECT_EQ(PackageJsonWorkspaces(R"({"workspaces":{"packages":["libs/*"]}})"), (Strings{"libs/*"}));
  EXPECT_TRUE(PackageJsonWorkspaces("{not json").empty());
  EXPECT_EQ(PnpmWorkspacePackages("packages:\n  # all apps\n  - 'apps/*'\n  - \"libs/**\"\n"
                                  "  - '!**/test/**'\ncatalog:\n  react: ^18\n"),
            (Strings{"apps/*", "libs/**", "!**/test/**"}));
  EXPECT_EQ(CargoWorkspaceMembers("[package]\nname = \"x\"\n[workspace]\nmembers = [\n"
                                  "  \"crates/*\", # all\n  \"tools/cli\",\n]\nresolver = \"2\"\n"),
            (Strings{"crates/*", "tools/cli"}));
  EXPECT_EQ(CargoWorkspaceMembers("[workspace]\nmembers = [\"a\", \"b\"]\n"), (Strings{"a", "b"}));
  EXPECT_EQ(GoWorkUses("go 1.22\n\nuse (\n\t./api // the api\n\t./worker\n)\nuse ./tools\n"),
            (Strings{"./api", "./worker", "./tools"}));
}

TEST(WorkspacesTest, MembersWithLockfilesGetTheirOwnInstall) {
  Project p;
  p.Write("package.json", R"({"workspaces":["packages/*"]})")
      .Write("package-lock.json", "{}")
      .Write("packages/a/package.json", "{}")
      .Write("packages/b/package.json", "{}")
      .Write("node_modules/x/package-lock.json", "{}")
      .Write("pnpm-workspace.yaml", "packages:\n  - 'services/*'\n  - '!services/skip'\n")
      .Write("services/api/requirements.txt", "flask\n")
      .Write("services/skip/requirements.txt", "flask\n")
      .Write("unlisted/Gemfile.lock", "GEM\n");
  Plan plan = *DetectPlan(p.path());
  EXPECT_EQ(plan.members, (Strings{"packages/a", "packages/b", "services/api"}));
  ASSERT_EQ(plan.installs.size(), 2u) << FormatPlan(plan);
  EXPECT_EQ(plan.installs[0].dir, ".");
  EXPECT_EQ(plan.installs[0].ecosystem, "npm");  // pnpm-workspace.yaml names members only
  EXPECT_EQ(plan.installs[1].dir, "services/api");
  EXPECT_EQ(plan.installs[1].lockfile, "services/api/requirements.txt");
}

TEST(WorkspacesTest, CargoAndGoWorkAndGlobstar) {
  Project p;
  p.Write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n")
      .Write("Cargo.lock", "")
      .Write("crates/core/Cargo.toml", "")
      .Write("go.work", "use (\n ./svc/a\n ./svc/b\n)\n")
      .Write("svc/a/go.sum", "")
      .Write("svc/b/go.mod", "module b\n")
      .Write("package.json", R"({"workspaces":["apps/**"]})")
      .Write("apps/x/y/yarn.lock", "# yarn lockfile v1\n")
      .Write("apps/.hidden/yarn.lock", "");
  Plan plan = *DetectPlan(p.path());
  std::vector<std::string> where;
  for (const auto& d : plan.installs) where.push_back(d.ecosystem + "@" + d.dir);
  EXPECT_EQ(where, (Strings{"cargo@.", "yarn@apps/x/y", "go@svc/a"})) << FormatPlan(plan);
}

TEST(WorkspacesTest, MembersNeverLeaveTheWorkspace) {
  Project p;
  p.Mkdir("inner").Write("inner/package.json", R"({"workspaces":["../*", "/etc"]})");
  Plan plan = *DetectPlan(p.path() + "/inner");
  EXPECT_TRUE(plan.members.empty()) << FormatPlan(plan);
}

TEST(FormatPlanTest, ReadableAndJson) {
  Project p;
  p.Write(".nvmrc", "v20.11.1\n").Write("package-lock.json", "{}");
  Plan plan = *DetectPlan(p.path());
  std::string text = FormatPlan(plan);
  EXPECT_NE(text.find("node  20.11.1  (.nvmrc:1)"), std::string::npos) << text;
  EXPECT_NE(text.find("1. npm ci  in .  (package-lock.json)"), std::string::npos) << text;
  EXPECT_NE(text.find("registry.npmjs.org"), std::string::npos);
  std::string json = PlanToJson(plan);
  EXPECT_NE(json.find("\"lockHash\""), std::string::npos);
  EXPECT_NE(json.find("\"ecosystem\": \"npm\""), std::string::npos) << json;
}

}  // namespace
}  // namespace sesame::runtimes
