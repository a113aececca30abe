// `sesame delete TYPE --all` through the built binary and a running
// controller, on the local store and through the server (--server): every
// object of the type in the namespace (or, with -A, in every namespace),
// one line each, and kubectl's refusals of --all with names or -l.

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

std::string Sleeper(const std::string& name, const std::string& ns = "default") {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\nspec:\n  provider: filesystem\n  command: [\"sleep\", \"600\"]\n";
}

std::string Template(const std::string& name) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\nmetadata:\n  name: " + name +
         "\nspec:\n  provider: filesystem\n";
}

std::string Pool(const std::string& name, const std::string& ns) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: SandboxPool\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\nspec:\n  replicas: 0\n  template:\n    provider: filesystem\n";
}

class DeleteAllTest : public E2eTest {
 protected:
  void SetUp() override {
    controller_ = StartController();
    url_ = ServerUrl();
    ASSERT_FALSE(url_.empty()) << ControllerLogs();
  }
  // Through the server from a home with no store of its own, or on the
  // controller's store.
  testing::CommandResult Via(bool remote, std::vector<std::string> args) {
    if (!remote) return Sesame(std::move(args));
    args.insert(args.begin(), SESAME_BINARY);
    return testing::RunCommand(args, {{"SESAME_HOME", dir_.path() + "/elsewhere"}, {"SESAME_SERVER", url_}});
  }
  std::string Names(const std::string& type, const std::string& ns) {
    return Sesame({"get", type, "-n", ns, "-o", "name"}).out;
  }

  std::unique_ptr<testing::BackgroundProcess> controller_;
  std::string url_;
};

TEST_F(DeleteAllTest, DeletesEveryObjectOfTheTypeInTheNamespace) {
  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    Apply(Sleeper("alpha") + "---\n" + Sleeper("beta") + "---\n" + Sleeper("gamma", "team-a") + "---\n" +
          Template("tpl"));

    auto deleted = Via(remote, {"delete", "sandboxes", "--all", "--wait"});
    EXPECT_EQ(deleted.exit_code, 0) << deleted.err << ControllerLogs();
    EXPECT_EQ(deleted.out, "sandbox/alpha deleted\nsandbox/beta deleted\n");
    EXPECT_EQ(Names("sandboxes", "default"), "");
    // Another namespace is not touched.
    EXPECT_EQ(Names("sandboxes", "team-a"), "sandbox/gamma\n");
    EXPECT_EQ(Names("templates", "default"), "sandboxtemplate/tpl\n");

    // Nothing left: kubectl's "No resources found", and success.
    auto none = Via(remote, {"delete", "sb", "--all"});
    EXPECT_EQ(none.exit_code, 0) << none.err;
    EXPECT_EQ(none.out, "");
    EXPECT_EQ(none.err, "No resources found\n");

    auto templates = Via(remote, {"delete", "templates", "--all"});
    EXPECT_EQ(templates.exit_code, 0) << templates.err;
    EXPECT_EQ(templates.out, "sandboxtemplate/tpl deleted\n");

    auto team = Via(remote, {"delete", "sandboxes", "--all", "-n", "team-a", "--wait"});
    EXPECT_EQ(team.exit_code, 0) << team.err;
    EXPECT_EQ(team.out, "sandbox/gamma deleted\n");
    EXPECT_EQ(Names("sandboxes", "team-a"), "");
  }
}

TEST_F(DeleteAllTest, AllNamespacesAndOtherKinds) {
  Apply(Pool("warm", "default") + "---\n" + Pool("cold", "team-b"));
  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    auto deleted = Via(remote, {"delete", "pools", "--all", "-A"});
    EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
    if (!remote) {
      // The listing is in namespace order.
      EXPECT_EQ(deleted.out, "sandboxpool/warm deleted\nsandboxpool/cold deleted\n");
    } else {
      EXPECT_EQ(deleted.out, "");
      EXPECT_EQ(deleted.err, "No resources found\n");
    }
    EXPECT_EQ(Names("pools", "default"), "");
    EXPECT_EQ(Names("pools", "team-b"), "");
  }
}

TEST_F(DeleteAllTest, AllWithNamesOrASelectorIsRefusedAndDeletesNothing) {
  Apply(Sleeper("alpha"));
  for (bool remote : {false, true}) {
    SCOPED_TRACE(remote ? "through the server" : "local store");
    auto with_selector = Via(remote, {"delete", "sandboxes", "--all", "-l", "app=x"});
    EXPECT_EQ(with_selector.exit_code, 2);
    EXPECT_EQ(with_selector.err, "error: cannot set --all and --selector at the same time\n");
    auto with_name = Via(remote, {"delete", "sandbox", "alpha", "--all"});
    EXPECT_EQ(with_name.exit_code, 2);
    EXPECT_EQ(with_name.err, "error: name cannot be provided when a selector is specified\n");
    auto typed = Via(remote, {"delete", "sandbox/alpha", "--all"});
    EXPECT_EQ(typed.exit_code, 2);
    auto no_type = Via(remote, {"delete", "--all"});
    EXPECT_EQ(no_type.exit_code, 2);
    EXPECT_NE(no_type.err.find("needs a resource type"), std::string::npos) << no_type.err;
    EXPECT_EQ(Names("sandboxes", "default"), "sandbox/alpha\n");
  }
}

}  // namespace
}  // namespace sesame::e2e
