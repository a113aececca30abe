#include "cli/delete_targets.h"

#include <gtest/gtest.h>

#include "cli/command.h"

namespace sesame::cli {
namespace {

Result<DeleteTargets> Read(const std::vector<std::string>& args) {
  auto command = DeleteCommand();
  auto flags = ParseFlags(command.flags, args);
  if (!flags.ok()) return flags.status();
  return ReadDeleteTargets(*flags);
}

std::string Refusal(const std::vector<std::string>& args) {
  auto targets = Read(args);
  if (targets.ok()) return "accepted";
  EXPECT_EQ(targets.status().code(), Code::kInvalid);
  return targets.status().message();
}

TEST(DeleteTargetsTest, AllIsEveryObjectOfTheTypeInTheNamespace) {
  auto all = Read({"sandboxes", "--all", "-n", "team-a"});
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->way, DeleteTargets::Way::kAll);
  EXPECT_EQ(all->resource, Resource::kSandboxes);
  EXPECT_EQ(all->ns, "team-a");
  for (const char* type : {"templates", "pools", "quotas", "gitsyncs"}) {
    auto other = Read({type, "--all"});
    ASSERT_TRUE(other.ok()) << type << ": " << other.status().message();
    EXPECT_EQ(other->ns, "default");
  }
  EXPECT_EQ(Read({"pools", "--all"})->resource, Resource::kPools);
  EXPECT_EQ(Read({"quota", "--all"})->resource, Resource::kQuotas);
}

TEST(DeleteTargetsTest, AllNamespacesListsInEveryNamespace) {
  auto all = Read({"sandboxes", "--all", "-A"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->ns, "");
  auto selected = Read({"sandboxes", "-l", "app=x", "--all-namespaces"});
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected->way, DeleteTargets::Way::kSelector);
  EXPECT_EQ(selected->selector, "app=x");
  EXPECT_EQ(selected->ns, "");
}

TEST(DeleteTargetsTest, NamesAndManifestsAsBefore) {
  auto named = Read({"sandbox", "a", "b"});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->way, DeleteTargets::Way::kNamed);
  ASSERT_EQ(named->named.size(), 2u);
  EXPECT_EQ(named->named[1].name, "b");
  auto typed = Read({"sandbox/a", "template/t"});
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->named[1].kind, "SandboxTemplate");
  auto files = Read({"-f", "x.yaml"});
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->way, DeleteTargets::Way::kFiles);
}

// kubectl's refusals: --all with a selector or with names.
TEST(DeleteTargetsTest, AllWithNamesSelectorOrFilesIsRefused) {
  EXPECT_EQ(Refusal({"sandboxes", "--all", "-l", "app=x"}), "cannot set --all and --selector at the same time");
  EXPECT_EQ(Refusal({"sandbox", "a", "--all"}), "name cannot be provided when a selector is specified");
  EXPECT_EQ(Refusal({"sandbox/a", "--all"}), "name cannot be provided when a selector is specified");
  EXPECT_EQ(Refusal({"sandbox", "a", "-l", "app=x"}), "name cannot be provided when a selector is specified");
  EXPECT_EQ(Refusal({"-f", "x.yaml", "--all"}), "cannot set --all and --filename at the same time");
  EXPECT_EQ(Refusal({"sandbox", "a", "-A"}), "a resource cannot be retrieved by name across all namespaces");
  EXPECT_EQ(Refusal({"--all"}), "delete --all needs a resource type: sesame delete sandboxes --all");
  EXPECT_EQ(Refusal({"events", "--all"}),
            "unknown resource \"events\" (use sandbox, template, gitsync, pool or quota)");
  EXPECT_EQ(Refusal({"sandboxes"}), "delete needs a NAME (or -l SEL, --all, or -f PATH)");
}

}  // namespace
}  // namespace sesame::cli
