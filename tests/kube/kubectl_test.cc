// kubectl against a running controller: discovery, tables, output
// formats, writes, watches and explain, as a user types them.
#include <nlohmann/json.hpp>

#include "tests/kube/kube_fixture.h"

namespace sesame::kube {
namespace {

using nlohmann::json;

class KubectlTest : public KubeTest {};

TEST_F(KubectlTest, DiscoveryListsEveryKind) {
  StartServer();
  auto resources = Kubectl({"api-resources", "--api-group=sesame.dev", "-o", "wide"});
  ASSERT_EQ(resources.exit_code, 0) << resources.err;
  EXPECT_NE(resources.out.find("sandboxes"), std::string::npos) << resources.out;
  EXPECT_NE(resources.out.find(" sb "), std::string::npos) << resources.out;
  EXPECT_NE(resources.out.find("sandboxtemplates"), std::string::npos) << resources.out;
  EXPECT_NE(resources.out.find("all,sesame"), std::string::npos) << resources.out;
  auto version = Kubectl({"version", "-o", "json"});
  EXPECT_NE(version.out.find("\"minor\": \"32\""), std::string::npos) << version.out << version.err;
  // No core group: a clear error, not a crash.
  auto pods = Kubectl({"get", "pods"});
  EXPECT_NE(pods.exit_code, 0);
  EXPECT_NE(pods.err.find("doesn't have a resource type \"pods\""), std::string::npos) << pods.err;
}

TEST_F(KubectlTest, GetPrintsTheColumnsOfSesameGet) {
  StartServer();
  SesameApply(SandboxYaml("red-1", "{team: red}") + "---\n" + SandboxYaml("blue-1", "{team: blue}") +
              "---\n" + SandboxYaml("red-2", "{team: red}", "other"));
  auto ready = Kubectl({"wait", "--for=condition=Ready", "sb/red-1", "sb/blue-1", "--timeout=120s"});
  ASSERT_EQ(ready.exit_code, 0) << ready.out << ready.err << Sesame({"get", "sb", "-o", "wide"}).out
                                << ControllerLogs();

  auto table = Kubectl({"get", "sandboxes"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  auto header = table.out.substr(0, table.out.find('\n'));
  EXPECT_EQ(header, Sesame({"get", "sandboxes"}).out.substr(0, header.size())) << table.out;
  EXPECT_NE(table.out.find("red-1"), std::string::npos);
  EXPECT_EQ(table.out.find("red-2"), std::string::npos) << "another namespace";

  // -o wide: the priority-1 columns, the same header as `sesame get -o wide`.
  auto wide = Kubectl({"get", "sb", "-o", "wide"});
  auto sesame_wide = Sesame({"get", "sandboxes", "-o", "wide"});
  EXPECT_EQ(wide.out.substr(0, wide.out.find('\n')), sesame_wide.out.substr(0, sesame_wide.out.find('\n')));

  auto labels = Kubectl({"get", "sb", "--show-labels", "-l", "team=red"});
  EXPECT_NE(labels.out.find("team=red"), std::string::npos) << labels.out;
  EXPECT_EQ(labels.out.find("blue-1"), std::string::npos) << labels.out;

  auto all = Kubectl({"get", "sandboxes", "-A"});
  EXPECT_NE(all.out.find("other       red-2"), std::string::npos) << all.out;

  auto by_name = Kubectl({"get", "sb", "blue-1", "-o", "jsonpath={.metadata.labels.team}"});
  EXPECT_EQ(by_name.out, "blue");
  auto names = Kubectl({"get", "sb", "-o", "jsonpath={.items[*].metadata.name}", "--sort-by=.metadata.name"});
  EXPECT_EQ(names.out, "blue-1 red-1");
  auto columns = Kubectl({"get", "sb", "-o", "custom-columns=NAME:.metadata.name,PHASE:.status.phase",
                          "--sort-by=.metadata.name"});
  EXPECT_EQ(columns.out, "NAME     PHASE\nblue-1   Running\nred-1    Running\n") << columns.err;
  auto sorted = Kubectl({"get", "sb", "--sort-by=.metadata.labels.team", "--no-headers", "-o", "name"});
  EXPECT_EQ(sorted.out, "sandbox.sesame.dev/blue-1\nsandbox.sesame.dev/red-1\n");

  auto yaml = Kubectl({"get", "sb", "red-1", "-o", "yaml"});
  EXPECT_NE(yaml.out.find("kind: Sandbox"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("phase: Running"), std::string::npos) << yaml.out;
  auto list = json::parse(Kubectl({"get", "sandboxes", "-o", "json"}).out);
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["apiVersion"], "sesame.dev/v1alpha1");

  auto field = Kubectl({"get", "sb", "--field-selector", "metadata.name=red-1", "-o", "name"});
  EXPECT_EQ(field.out, "sandbox.sesame.dev/red-1\n") << field.err;
  auto phase = Kubectl({"get", "sb", "-A", "--field-selector", "status.phase!=Running,spec.provider=filesystem",
                        "-o", "name"});
  EXPECT_EQ(phase.exit_code, 0) << phase.err;
  auto bad = Kubectl({"get", "sb", "--field-selector", "spec.colour=red"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("not a known field selector"), std::string::npos) << bad.err;

  auto chunked = Kubectl({"get", "sb", "-A", "--chunk-size=1", "-o", "name"});
  EXPECT_EQ(chunked.out, "sandbox.sesame.dev/blue-1\nsandbox.sesame.dev/red-1\nsandbox.sesame.dev/red-2\n");

  auto missing = Kubectl({"get", "sb", "nosuch"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("Error from server (NotFound): sandboxes.sesame.dev \"nosuch\" not found"),
            std::string::npos)
      << missing.err;
  auto category = Kubectl({"get", "sesame", "-o", "name"});
  EXPECT_NE(category.out.find("sandbox.sesame.dev/red-1"), std::string::npos) << category.out << category.err;
}

}  // namespace
}  // namespace sesame::kube
