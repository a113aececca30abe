// Drives the built `sesame` binary on a fresh $SESAME_HOME, as a user would.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/testing/run_command.h"

namespace sesame {
namespace {

using testing::CommandResult;
using testing::TempDir;

class SesameCliTest : public ::testing::Test {
 protected:
  CommandResult Sesame(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), SESAME_BINARY);
    return testing::RunCommand(args, {{"SESAME_HOME", home_.path() + "/home"}}, input);
  }
  std::string Example(const std::string& name) {
    return std::string(SESAME_SOURCE_DIR) + "/examples/" + name;
  }

  TempDir home_;
};

constexpr char kGood[] = R"(apiVersion: sesame.dev/v1alpha1
kind: Sandbox
metadata:
  name: one
  labels: {team: a}
spec:
  command: ["sleep", "60"]
)";

TEST_F(SesameCliTest, DryRunOfAllExamplesValidatesAndWritesNothing) {
  auto r = Sesame({"apply", "-f", Example(""), "-R", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sandbox/hello created (dry run)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sandboxtemplate/shell-agent created (dry run)"), std::string::npos);
  EXPECT_NE(r.out.find("sandbox/vercel-next created (dry run)"), std::string::npos);
  auto get = Sesame({"get", "sandboxes", "-A", "-o", "name"});
  EXPECT_EQ(get.exit_code, 0);
  EXPECT_EQ(get.out, "");
}

TEST_F(SesameCliTest, ApplyReportsCreatedUnchangedConfigured) {
  std::string file = home_.Write("one.yaml", kGood);
  EXPECT_EQ(Sesame({"apply", "-f", file}).out, "sandbox/one created\n");
  EXPECT_EQ(Sesame({"apply", "-f", file}).out, "sandbox/one unchanged\n");
  home_.Write("one.yaml", std::string(kGood) + "  suspend: true\n");
  EXPECT_EQ(Sesame({"apply", "-f", file}).out, "sandbox/one configured\n");
  auto json = Sesame({"get", "sandbox", "one", "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto object = nlohmann::json::parse(json.out);
  EXPECT_EQ(object["metadata"]["generation"], 2);
  EXPECT_EQ(object["spec"]["suspend"], true);
}

TEST_F(SesameCliTest, GetJsonIsAParsableList) {
  ASSERT_EQ(Sesame({"apply", "-f", Example("agent-template.yaml")}).exit_code, 0);
  auto r = Sesame({"get", "sandboxes", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto list = nlohmann::json::parse(r.out);
  EXPECT_EQ(list["kind"], "List");
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["metadata"]["name"], "reviewer");
  EXPECT_FALSE(list["metadata"]["resourceVersion"].get<std::string>().empty());
  auto table = Sesame({"get", "sandboxes", "-o", "wide"});
  EXPECT_NE(table.out.find("NAME"), std::string::npos);
  EXPECT_NE(table.out.find("EXPIRES"), std::string::npos);
  EXPECT_NE(table.out.find("shell-agent"), std::string::npos) << table.out;
  auto selected = Sesame({"get", "sandboxes", "-l", "app in (writer)", "-o", "name"});
  EXPECT_EQ(selected.out, "sandbox/writer\n");
}

TEST_F(SesameCliTest, OneBadDocumentAppliesNothing) {
  std::string file = home_.Write("mixed.yaml", std::string(kGood) +
                                                   "---\napiVersion: sesame.dev/v1alpha1\n"
                                                   "kind: Sandbox\nmetadata:\n  name: two\n"
                                                   "spec:\n  resources:\n    memory: 4GB\n");
  auto r = Sesame({"apply", "-f", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("mixed.yaml:15:13: spec.resources.memory: \"4GB\" is not a quantity (use 4G or 4Gi)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Sesame({"get", "sandboxes", "-o", "name"}).out, "");
}

TEST_F(SesameCliTest, DiffExitCodes) {
  std::string file = home_.Write("one.yaml", kGood);
  auto before = Sesame({"diff", "-f", file});
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_NE(before.out.find("+++ sandbox/one (desired)"), std::string::npos);
  ASSERT_EQ(Sesame({"apply", "-f", file}).exit_code, 0);
  auto same = Sesame({"diff", "-f", file});
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_EQ(same.out, "");
  home_.Write("one.yaml", std::string(kGood) + "  ports: [3000]\n");
  auto changed = Sesame({"diff", "-f", file});
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_NE(changed.out.find("+  ports:"), std::string::npos) << changed.out;
  home_.Write("bad.yaml", "kind: Sandbox\n");
  EXPECT_EQ(Sesame({"diff", "-f", home_.path() + "/bad.yaml"}).exit_code, 2);
}

TEST_F(SesameCliTest, PruneDeletesWhatTheApplysetNoLongerHas) {
  std::string dir = home_.path() + "/repo";
  home_.Write("repo/a.yaml", kGood);
  std::string second = kGood;
  second.replace(second.find("name: one"), 9, "name: two");
  home_.Write("repo/b.yaml", second);
  auto first = Sesame({"apply", "-f", dir, "--prune", "--applyset", "repo"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::filesystem::remove(dir + "/b.yaml");
  auto pruned = Sesame({"apply", "-f", dir, "--prune", "--applyset", "repo"});
  EXPECT_EQ(pruned.out, "sandbox/one unchanged\nsandbox/two pruned\n");
  EXPECT_EQ(Sesame({"apply", "-f", dir, "--prune"}).exit_code, 2);
}

TEST_F(SesameCliTest, DeleteTemplateAndSandbox) {
  ASSERT_EQ(Sesame({"apply", "-f", Example("agent-template.yaml")}).exit_code, 0);
  EXPECT_EQ(Sesame({"delete", "template", "shell-agent"}).out, "sandboxtemplate/shell-agent deleted\n");
  EXPECT_EQ(Sesame({"get", "templates", "-o", "name"}).out, "");
  auto by_label = Sesame({"delete", "sandboxes", "-l", "app=writer"});
  EXPECT_EQ(by_label.out, "sandbox/writer deleted\n");
  // The finalizer holds it until a controller has removed the sandbox.
  auto table = Sesame({"get", "sandbox", "writer"});
  EXPECT_NE(table.out.find("Terminating"), std::string::npos) << table.out;
  auto missing = Sesame({"delete", "sandbox", "nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope"), std::string::npos);
}

TEST_F(SesameCliTest, DescribeShowsSpecAndStatus) {
  ASSERT_EQ(Sesame({"apply", "-f", Example("hello.yaml")}).exit_code, 0);
  auto r = Sesame({"describe", "sandbox", "hello"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Name:        hello"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Spec:"), std::string::npos);
  EXPECT_NE(r.out.find("Phase:       Pending"), std::string::npos);
}

struct BadInput {
  const char* name;
  std::string content;
  const char* expected;  // a fragment of the error
};

TEST_F(SesameCliTest, BadInputsFailCleanlyWithExitCode2) {
  std::string deep(100000, '[');
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ",*" + char(c - 1) + ",*" +
            char(c - 1) + ",*" + char(c - 1) + "]\n";
  }
  std::vector<BadInput> inputs = {
      {"unknown.yaml", std::string(kGood) + "  imag: x\n", "spec.imag: unknown field"},
      {"dup.yaml", std::string(kGood) + "  command: [\"true\"]\n", "duplicate key"},
      {"tab.yaml", "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata:\n\tname: x\n", "tab"},
      {"empty.yaml", "", "no documents"},
      {"type.yaml", std::string(kGood) + "  ports: [abc]\n", "spec.ports[0]"},
      {"huge.yaml", std::string(20 << 20, '#'), "limit"},
      {"bomb.yaml", bomb, "alias"},
      {"deep.yaml", deep, "deep"},
      // "kind:" with no value beside items: no List, and no crash (found by fuzzing).
      {"nullkind.yaml",
       "kind:\nitems:\n- apiVersion: sesame.dev/v1alpha1\n  kind: Sandbox\n  metadata: {name: b}\n"
       "  spec: {provider: filesystem}\n",
       "kind: required"},
  };
  for (const auto& input : inputs) {
    std::string file = home_.Write(input.name, input.content);
    auto r = Sesame({"apply", "-f", file});
    EXPECT_EQ(r.exit_code, 2) << input.name << ": " << r.err;
    EXPECT_NE(r.err.find(input.name), std::string::npos) << input.name << ": " << r.err;
    EXPECT_NE(r.err.find(input.expected), std::string::npos) << input.name << ": " << r.err;
  }
  EXPECT_EQ(Sesame({"get", "sandboxes", "-A", "-o", "name"}).out, "");
}

TEST_F(SesameCliTest, HelpAndUsageErrors) {
  for (const char* command : {"apply", "diff", "get", "describe", "delete"}) {
    auto r = Sesame({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << command;
  }
  EXPECT_EQ(Sesame({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Sesame({"get", "sandboxes", "--bogus"}).exit_code, 2);
  EXPECT_EQ(Sesame({"get", "sandboxes", "-o", "xml"}).exit_code, 2);
  EXPECT_EQ(Sesame({"get", "sandboxes", "-l", "a in (x"}).exit_code, 2);
}

// Lists are one List document for every kind; every verb takes TYPE/NAME;
// diff and apply --dry-run agree, applyset included; version prints both sides.
TEST_F(SesameCliTest, ListsNamesDiffAndVersionAreConsistent) {
  std::string file = home_.Write("one.yaml", kGood);
  ASSERT_EQ(Sesame({"apply", "-f", file, "--applyset", "set-a"}).exit_code, 0);
  for (const char* what : {"events", "violations", "syncs", "sandboxes"}) {
    auto json = Sesame({"get", what, "-o", "json"});
    ASSERT_EQ(json.exit_code, 0) << what << json.err;
    auto list = nlohmann::json::parse(json.out, nullptr, false);
    ASSERT_TRUE(list.is_object()) << what << ": " << json.out;
    EXPECT_TRUE(list["items"].is_array()) << what;
    auto yaml = Sesame({"get", what, "-o", "yaml"});
    EXPECT_NE(yaml.out.find("items:"), std::string::npos) << what << ": " << yaml.out;
  }
  // Another applyset: refused, and diff agrees with apply --dry-run.
  auto other = Sesame({"apply", "-f", file, "--applyset", "set-b", "--dry-run"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("belongs to applyset \"set-a\""), std::string::npos) << other.err;
  EXPECT_EQ(Sesame({"diff", "-f", file, "--applyset", "set-b"}).exit_code, 1);
  EXPECT_EQ(Sesame({"apply", "-f", file, "--applyset", "set-b", "--force-conflicts", "--dry-run"}).out,
            "sandbox/one configured (dry run)\n");
  auto moved = Sesame({"diff", "-f", file, "--applyset", "set-b", "--force-conflicts"});
  EXPECT_EQ(moved.exit_code, 1);
  EXPECT_NE(moved.out.find("+    sesame.dev/applyset: set-b"), std::string::npos) << moved.out;
  // Without --applyset the object stays in its set: unchanged, and no diff.
  EXPECT_EQ(Sesame({"apply", "-f", file, "--dry-run"}).out, "sandbox/one unchanged (dry run)\n");
  EXPECT_EQ(Sesame({"diff", "-f", file}).exit_code, 0);
  // TYPE/NAME: the sandbox is found (it has no provider resource yet).
  auto logs = Sesame({"logs", "sandbox/one"});
  EXPECT_EQ(logs.err.find("sandbox/sandbox/one"), std::string::npos) << logs.err;
  EXPECT_EQ(Sesame({"logs", "template/one"}).exit_code, 2);
  EXPECT_EQ(Sesame({"delete", "sandbox/one", "sandbox/missing"}).exit_code, 1);
  auto version = Sesame({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("Client Version: "), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("Server Version: "), std::string::npos) << version.out;
}

// Commands on the local store start without libcurl and the libraries it
// pulls in: it is loaded only when a transfer needs it (a cloud or docker
// sandbox), so that every command's start stays short. The dynamic
// loader's own trace (LD_DEBUG=files) names every library it opens.
TEST_F(SesameCliTest, LocalCommandsDoNotLoadLibcurl) {
  std::string file = home_.Write("one.yaml", kGood);
  for (std::vector<std::string> args : {std::vector<std::string>{"apply", "-f", file},
                                        {"get", "sandboxes"}, {"version"}}) {
    args.insert(args.begin(), SESAME_BINARY);
    auto run = testing::RunCommand(args, {{"SESAME_HOME", home_.path() + "/home"}, {"LD_DEBUG", "files"}});
    EXPECT_EQ(run.exit_code, 0) << args[1] << run.err;
    EXPECT_NE(run.err.find("libc.so"), std::string::npos) << "no loader trace: " << run.err;
    EXPECT_EQ(run.err.find("libcurl"), std::string::npos) << args[1] << " loaded libcurl";
  }
}

// The local commands run in `sesame` itself, which loads neither
// cpp-httplib nor OpenSSL nor the shared libstdc++ (it is linked in).
TEST_F(SesameCliTest, LocalCommandsLoadNoHttpTlsOrCxxLibrary) {
  std::string file = home_.Write("one.yaml", kGood);
  for (std::vector<std::string> args : {std::vector<std::string>{"apply", "-f", file},
                                        {"get", "sandboxes"}, {"describe", "sandbox", "one"},
                                        {"get", "events"}, {"kubeconfig"}, {"version"}}) {
    args.insert(args.begin(), SESAME_BINARY);
    auto run = testing::RunCommand(args, {{"SESAME_HOME", home_.path() + "/home"}, {"LD_DEBUG", "files"}});
    EXPECT_NE(run.err.find("libc.so"), std::string::npos) << "no loader trace: " << run.err;
    for (const char* library : {"libcpp-httplib", "libssl", "libcrypto", "libstdc++", "sesame-full"}) {
      EXPECT_EQ(run.err.find(library), std::string::npos) << args[1] << " loaded " << library;
    }
  }
}

// A command line that talks to a server runs `sesame-full` (beside
// `sesame`), which has the HTTP client: the same command, the same answer.
TEST_F(SesameCliTest, RemoteCommandsRunTheFullBinary) {
  std::map<std::string, std::string> env = {{"SESAME_HOME", home_.path() + "/home"}};
  auto traced = env;
  traced["LD_DEBUG"] = "files";
  auto run = testing::RunCommand({SESAME_BINARY, "--server", "http://127.0.0.1:1", "get", "sandboxes"}, traced);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // Two programs ran in the process, the second with cpp-httplib.
  size_t second = run.err.find("transferring control", run.err.find("transferring control") + 1);
  ASSERT_NE(second, std::string::npos) << run.err;
  EXPECT_NE(run.err.find("libcpp-httplib", second), std::string::npos) << run.err;

  auto flag = testing::RunCommand({SESAME_BINARY, "get", "sandboxes", "--server", "http://127.0.0.1:1"}, env);
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_EQ(flag.err.rfind("error: ", 0), 0u) << flag.err;
  EXPECT_NE(flag.err.find("127.0.0.1:1"), std::string::npos) << flag.err;
  env["SESAME_SERVER"] = "http://127.0.0.1:1";
  auto from_env = testing::RunCommand({SESAME_BINARY, "get", "sandboxes"}, env);
  EXPECT_EQ(from_env.exit_code, 1);
  EXPECT_EQ(from_env.err, flag.err);
}

// Without `sesame-full` (in libexec/sesame/ or beside it), such a command
// says what is missing, where an installation has it.
TEST_F(SesameCliTest, AMissingFullBinaryIsNamed) {
  std::filesystem::create_directories(home_.path() + "/bin");
  std::string bin = std::filesystem::canonical(home_.path() + "/bin").string();
  std::string alone = bin + "/sesame";
  std::filesystem::copy_file(SESAME_BINARY, alone);
  auto local = testing::RunCommand({alone, "version", "--client"}, {{"SESAME_HOME", home_.path() + "/home"}});
  EXPECT_EQ(local.exit_code, 0) << local.err;
  auto run = testing::RunCommand({alone, "controller"}, {{"SESAME_HOME", home_.path() + "/home"}});
  EXPECT_EQ(run.exit_code, 1);
  std::string installed = std::filesystem::path(bin).parent_path().string() + "/libexec/sesame/sesame-full";
  EXPECT_EQ(run.err, "error: this command needs " + installed +
                         " (sesame's HTTP client and server), which is missing: install sesame again\n");
}

// Every example file a command's help names exists.
TEST_F(SesameCliTest, HelpCitesExamplesThatExist) {
  auto top = Sesame({"--help"});
  std::regex command_line(R"(\n  ([a-z-]+)   )");
  std::regex example(R"(examples/[A-Za-z0-9_./-]+\.ya?ml)");
  int cited = 0;
  for (std::sregex_iterator c(top.out.begin(), top.out.end(), command_line), end; c != end; ++c) {
    auto help = Sesame({(*c)[1].str(), "--help"});
    EXPECT_EQ(help.exit_code, 0) << (*c)[1];
    for (std::sregex_iterator e(help.out.begin(), help.out.end(), example); e != end; ++e) {
      ++cited;
      EXPECT_TRUE(std::filesystem::exists(Example((*e).str().substr(9)))) << (*c)[1] << " cites " << (*e).str();
    }
  }
  EXPECT_GT(cited, 0);
}

TEST_F(SesameCliTest, StdinManifest) {
  auto r = Sesame({"apply", "-f", "-"}, kGood);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "sandbox/one created\n");
}

}  // namespace
}  // namespace sesame
