// kubectl against a running controller: discovery, tables, output
// formats, writes, watches and explain, as a user types them.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "tests/kube/kube_fixture.h"

namespace sesame::kube {
namespace {

using nlohmann::json;

class KubectlTest : public EveryKubectlTest {};
INSTANTIATE_TEST_SUITE_P(Kubectl, KubectlTest, ::testing::Values("kubectl", kDebianKubectl), KubectlName);

TEST_P(KubectlTest, DiscoveryListsEveryKind) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto resources = Kubectl({"api-resources", "--api-group=sesame.dev", "-o", "wide"});
  ASSERT_EQ(resources.exit_code, 0) << resources.err;
  EXPECT_NE(resources.out.find("sandboxes"), std::string::npos) << resources.out;
  EXPECT_NE(resources.out.find(" sb "), std::string::npos) << resources.out;
  EXPECT_NE(resources.out.find("sandboxtemplates"), std::string::npos) << resources.out;
  // kubectl 1.20 has no CATEGORIES column; `get sesame` below checks them with every kubectl.
  if (!Kubectl120()) EXPECT_NE(resources.out.find("all,sesame"), std::string::npos) << resources.out;
  auto version = Kubectl({"version", "-o", "json"});
  EXPECT_NE(version.out.find("\"minor\": \"32\""), std::string::npos) << version.out << version.err;
  // No core group: a clear error, not a crash.
  auto pods = Kubectl({"get", "pods"});
  EXPECT_NE(pods.exit_code, 0);
  EXPECT_NE(pods.err.find("doesn't have a resource type \"pods\""), std::string::npos) << pods.err;
}

TEST_P(KubectlTest, GetPrintsTheColumnsOfSesameGet) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
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

namespace sesame::kube {
namespace {

// The manifest kubectl applies, with `ttl` and a label to change.
std::string Manifest(const std::string& ttl, const std::string& team) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n  name: box\n  labels: {team: " + team +
         "}\nspec:\n  provider: filesystem\n  command: [\"sh\", \"-c\", \"echo ready; exec sleep 600\"]\n"
         "  security: {enabled: false}\n  lifetime: {ttl: " + ttl + "}\n";
}

TEST_P(KubectlTest, ApplyDiffEditPatchLabelAnnotateWaitDelete) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::string file = dir_.Write("box.yaml", Manifest("3h", "red"));
  auto created = Kubectl({"apply", "-f", file});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "sandbox.sesame.dev/box created\n");
  auto unchanged = Kubectl({"apply", "-f", file});
  EXPECT_EQ(unchanged.out, "sandbox.sesame.dev/box unchanged\n") << unchanged.err;
  auto ready = Kubectl({"wait", "--for=condition=Ready", "sandbox/box", "--timeout=120s"});
  ASSERT_EQ(ready.exit_code, 0) << ready.err << ControllerLogs();
  EXPECT_EQ(ready.out, "sandbox.sesame.dev/box condition met\n");

  // diff: exit 1 and the change, without writing it (dryRun=All).
  dir_.Write("box.yaml", Manifest("4h", "red"));
  auto diff = Kubectl({"diff", "-f", file}, "", {{"KUBECTL_EXTERNAL_DIFF", "diff -u -N"}});
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  EXPECT_NE(diff.out.find("+    ttl: 4h"), std::string::npos) << diff.out;
  auto stored = json::parse(Sesame({"get", "sb", "box", "-o", "json"}).out);
  EXPECT_EQ(stored["spec"]["lifetime"]["ttl"], "3h");
  auto configured = Kubectl({"apply", "-f", file});
  EXPECT_EQ(configured.out, "sandbox.sesame.dev/box configured\n") << configured.err;
  stored = json::parse(Sesame({"get", "sb", "box", "-o", "json"}).out);
  EXPECT_EQ(stored["spec"]["lifetime"]["ttl"], "4h");
  EXPECT_EQ(stored["metadata"]["generation"], 2);
  auto no_diff = Kubectl({"diff", "-f", file});
  EXPECT_EQ(no_diff.exit_code, 0) << no_diff.out << no_diff.err;

  // edit with a scripted editor.
  std::string editor = dir_.Write("editor.sh", "#!/bin/sh\nsed -i 's/ttl: 4h/ttl: 5h/' \"$1\"\n");
  chmod(editor.c_str(), 0755);
  auto edited = Kubectl({"edit", "sandbox", "box"}, "", {{"EDITOR", editor}, {"KUBE_EDITOR", editor}});
  EXPECT_EQ(edited.out, "sandbox.sesame.dev/box edited\n") << edited.err;
  EXPECT_EQ(Kubectl({"get", "sb", "box", "-o", "jsonpath={.spec.lifetime.ttl}"}).out, "5h");

  auto patched = Kubectl({"patch", "sb", "box", "--type", "merge", "-p", R"({"spec":{"restartPolicy":"OnFailure"}})"});
  EXPECT_EQ(patched.out, "sandbox.sesame.dev/box patched\n") << patched.err;
  auto json_patched = Kubectl({"patch", "sb", "box", "--type", "json", "-p",
                               R"([{"op":"replace","path":"/spec/lifetime/ttl","value":"6h"}])"});
  EXPECT_EQ(json_patched.exit_code, 0) << json_patched.err;
  EXPECT_EQ(Kubectl({"get", "sb", "box", "-o", "jsonpath={.spec.restartPolicy} {.spec.lifetime.ttl}"}).out,
            "OnFailure 6h");
  // The strategic merge patch of built-in kinds: refused, as for custom resources.
  auto strategic = Kubectl({"patch", "sb", "box", "-p", R"({"spec":{"suspend":false}})"});
  EXPECT_NE(strategic.exit_code, 0);
  EXPECT_NE(strategic.err.find("the body of the request was in an unknown format"), std::string::npos) << strategic.err;

  // Invalid values: 422 with the field, in kubectl's words; nothing changes.
  auto invalid = Kubectl({"patch", "sb", "box", "--type", "merge", "-p", R"({"spec":{"lifetime":{"ttl":"forever"}}})"});
  EXPECT_NE(invalid.exit_code, 0);
  EXPECT_NE(invalid.err.find("The Sandbox \"box\" is invalid: spec.lifetime.ttl:"), std::string::npos) << invalid.err;
  // A resourceVersion in a merge patch is a precondition: a stale one is a
  // conflict, one that is no number is refused (never read as "none").
  auto stale = Kubectl({"patch", "sb", "box", "--type", "merge", "-p",
                        R"({"metadata":{"resourceVersion":"1"},"spec":{"restartPolicy":"Never"}})"});
  EXPECT_NE(stale.exit_code, 0);
  EXPECT_NE(stale.err.find("the object has been modified"), std::string::npos) << stale.err;
  auto garbled = Kubectl({"patch", "sb", "box", "--type", "merge", "-p",
                          R"({"metadata":{"resourceVersion":"abc"},"spec":{"restartPolicy":"Never"}})"});
  EXPECT_NE(garbled.exit_code, 0);
  EXPECT_NE(garbled.err.find("metadata.resourceVersion"), std::string::npos) << garbled.err;
  EXPECT_EQ(Kubectl({"get", "sb", "box", "-o", "jsonpath={.spec.restartPolicy}"}).out, "OnFailure");
  std::string unknown_file = dir_.Write("unknown.yaml", Manifest("6h", "red") + "  colour: blue\n");
  auto unknown = Kubectl({"apply", "-f", unknown_file});
  EXPECT_NE(unknown.exit_code, 0);
  // kubectl 1.20 finds it itself, in the OpenAPI v2 document (protobuf);
  // later ones leave it to the server (fieldValidation=Strict).
  EXPECT_NE(unknown.err.find(Kubectl120()
                                 ? "unknown field \"colour\" in dev.sesame.v1alpha1.Sandbox.spec"
                                 : "unknown field \"spec.colour\""),
            std::string::npos)
      << unknown.err;

  EXPECT_EQ(Kubectl({"label", "sb", "box", "tier=gold"}).out, "sandbox.sesame.dev/box labeled\n");
  EXPECT_EQ(Kubectl({"annotate", "sb", "box", "note=hello"}).out, "sandbox.sesame.dev/box annotated\n");
  auto meta = json::parse(Kubectl({"get", "sb", "box", "-o", "json"}).out)["metadata"];
  EXPECT_EQ(meta["labels"]["tier"], "gold");
  EXPECT_EQ(meta["annotations"]["note"], "hello");
  EXPECT_TRUE(meta["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"));

  auto described = Kubectl({"describe", "sandbox", "box"});
  EXPECT_EQ(described.exit_code, 0) << described.err;
  EXPECT_NE(described.out.find("Name:         box"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find("Phase:"), std::string::npos) << described.out;

  // A server-side dry run deletes nothing.
  EXPECT_EQ(Kubectl({"delete", "sb", "box", "--dry-run=server"}).exit_code, 0);
  EXPECT_FALSE(Get("box").is_null());
  auto deleted = Kubectl({"delete", "sb", "-l", "tier=gold", "--timeout=120s"});
  EXPECT_EQ(deleted.out, "sandbox.sesame.dev \"box\" deleted\n") << deleted.err << ControllerLogs();
  EXPECT_TRUE(Get("box").is_null());
}

TEST_P(KubectlTest, ServerSideApplyReplaceCreateAndWaitForDelete) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::string file = dir_.Write("box.yaml", Manifest("3h", "red"));
  auto applied = Kubectl({"apply", "--server-side", "-f", file});
  EXPECT_EQ(applied.out, "sandbox.sesame.dev/box serverside-applied\n") << applied.err;
  dir_.Write("box.yaml", Manifest("4h", "red"));
  auto diff = Kubectl({"diff", "--server-side", "-f", file}, "", {{"KUBECTL_EXTERNAL_DIFF", "diff -u -N"}});
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  EXPECT_NE(diff.out.find("+    ttl: 4h"), std::string::npos) << diff.out;
  EXPECT_EQ(Kubectl({"get", "sb", "box", "-o", "jsonpath={.spec.lifetime.ttl}"}).out, "3h");
  EXPECT_EQ(Kubectl({"apply", "--server-side", "-f", file}).out, "sandbox.sesame.dev/box serverside-applied\n");
  EXPECT_EQ(Kubectl({"get", "sb", "box", "-o", "jsonpath={.spec.lifetime.ttl}"}).out, "4h");

  dir_.Write("box.yaml", Manifest("5h", "blue"));
  auto replaced = Kubectl({"replace", "-f", file});
  EXPECT_EQ(replaced.out, "sandbox.sesame.dev/box replaced\n") << replaced.err;
  EXPECT_EQ(Kubectl({"get", "sb", "box", "-o", "jsonpath={.metadata.labels.team} {.spec.lifetime.ttl}"}).out,
            "blue 5h");
  auto again = Kubectl({"create", "-f", file});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("Error from server (AlreadyExists)"), std::string::npos) << again.err;

  // wait --for=delete sees the deletion by another client.
  std::string log = dir_.path() + "/wait.log";
  testing::BackgroundProcess wait(KubectlArgv({"wait", "--for=delete", "sandbox/box", "--timeout=300s", "-v=6"}),
                                  KubectlEnv(), log);
  auto logged = [&] { return testing::RunCommand({"cat", log}).out; };
  // The waiter watches the sandbox (-v=6 logs each request) before it goes.
  ASSERT_TRUE(Eventually([&] { return logged().find("watch=true") != std::string::npos; }, 120000)) << logged();
  EXPECT_EQ(Sesame({"delete", "sandbox", "box"}).exit_code, 0);
  EXPECT_TRUE(Eventually([&] { return logged().find("condition met") != std::string::npos; }, 120000))
      << logged() << ControllerLogs();
}

TEST_P(KubectlTest, ExplainShowsTheFieldDescriptions) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  auto explained = Kubectl({"explain", "sandbox.spec.lifetime"});
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  // "FIELD: lifetime <Object>" (v3), "RESOURCE: lifetime <Object>" (kubectl 1.20, v2 in protobuf).
  EXPECT_NE(explained.out.find(": lifetime <Object>"), std::string::npos) << explained.out;
  EXPECT_NE(explained.out.find("When the sandbox ends on its own."), std::string::npos) << explained.out;
  EXPECT_NE(explained.out.find("ttl\t<string>"), std::string::npos) << explained.out;
  EXPECT_EQ(explained.out.find("<empty>"), std::string::npos) << "a description: " << explained.out;
  if (!Kubectl120()) {
    // The v2 document (protobuf) also explains for later kubectl.
    auto v2 = Kubectl({"explain", "sandbox.spec.lifetime", "--output=plaintext-openapiv2"});
    EXPECT_NE(v2.out.find("RESOURCE: lifetime <Object>"), std::string::npos) << v2.out << v2.err;
    EXPECT_NE(v2.out.find("When the sandbox ends on its own."), std::string::npos) << v2.out;
  }
  auto recursive = Kubectl({"explain", "sb", "--recursive"});
  EXPECT_NE(recursive.out.find("templateRef"), std::string::npos) << recursive.out;
}

}  // namespace
}  // namespace sesame::kube

namespace sesame::kube {
namespace {

TEST_P(KubectlTest, TokensTravelOverHttpsAndAreChecked) {
  std::string tokens = dir_.Write("tokens", "admin-token-0123456789 *\nteam-token-0123456789 team-a\n");
  ASSERT_NO_FATAL_FAILURE(StartServer({"--token-file", tokens}, "admin-token-0123456789"));
  std::string admin = kubeconfig_;
  EXPECT_NE(testing::RunCommand({"cat", admin}).out.find("server: \"https://127.0.0.1:"), std::string::npos);
  SesameApply(SandboxYaml("mine", "{}", "team-a"));
  auto listed = Kubectl({"get", "sb", "-A", "-o", "name"});
  EXPECT_EQ(listed.out, "sandbox.sesame.dev/mine\n") << listed.err;

  kubeconfig_ = dir_.Write("team.kubeconfig", Sesame({"kubeconfig", "--token", "team-token-0123456789",
                                                      "-n", "team-a"}).out);
  EXPECT_EQ(Kubectl({"get", "sb", "-o", "name"}).out, "sandbox.sesame.dev/mine\n");
  auto across = Kubectl({"get", "sb", "-A"});
  EXPECT_NE(across.exit_code, 0);
  EXPECT_NE(across.err.find("Forbidden"), std::string::npos) << across.err;

  kubeconfig_ = dir_.Write("wrong.kubeconfig", Sesame({"kubeconfig", "--token", "wrong-token-0123456789"}).out);
  auto wrong = Kubectl({"get", "sb"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("You must be logged in to the server"), std::string::npos) << wrong.err;

  // Without a token: the plain HTTP API, which wants one.
  kubeconfig_ = dir_.Write("none.kubeconfig", Sesame({"kubeconfig"}).out);
  EXPECT_NE(testing::RunCommand({"cat", kubeconfig_}).out.find("server: \"http://127.0.0.1:"), std::string::npos);
  auto none = Kubectl({"get", "sb"});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("You must be logged in to the server"), std::string::npos) << none.err;
}

TEST_P(KubectlTest, GetWatchPrintsRowsAsSandboxesChange) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  SesameApply(SandboxYaml("first"));
  std::string log = dir_.path() + "/watch.log";
  testing::BackgroundProcess watch(KubectlArgv({"get", "sb", "-w"}), KubectlEnv(), log);
  auto logged = [&] { return testing::RunCommand({"cat", log}).out; };
  ASSERT_TRUE(Eventually([&] { return logged().find("first") != std::string::npos; }, 30000)) << logged();
  SesameApply(SandboxYaml("second"));
  EXPECT_TRUE(Eventually([&] { return logged().find("second") != std::string::npos; }, 30000)) << logged();
  // Rows keep the table's columns: NAME PROVIDER PHASE ...
  EXPECT_TRUE(Eventually([&] { return logged().find("Running") != std::string::npos; }, 60000)) << logged();
  EXPECT_EQ(logged().rfind("NAME", 0), 0u) << logged();

  // A name: watched by field selector, as JSON objects.
  std::string json_log = dir_.path() + "/watch-json.log";
  testing::BackgroundProcess one(KubectlArgv({"get", "sb", "first", "-w", "-o", "json"}), KubectlEnv(), json_log);
  ASSERT_TRUE(Eventually([&] {
    return testing::RunCommand({"cat", json_log}).out.find("\"name\": \"first\"") != std::string::npos;
  }, 30000)) << testing::RunCommand({"cat", json_log}).out;
  Sesame({"delete", "sandbox", "first"});
  EXPECT_TRUE(Eventually([&] { return testing::RunCommand({"cat", json_log}).out.find("deletionTimestamp") !=
                                      std::string::npos; }, 30000));
  EXPECT_EQ(testing::RunCommand({"cat", json_log}).out.find("\"name\": \"second\""), std::string::npos);
}

}  // namespace
}  // namespace sesame::kube
