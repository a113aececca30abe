// Isolation between secured filesystem sandboxes, made the way users make
// them (`sesame apply` with a running controller), on both backends:
// another sandbox's workspace (wherever it lives, made before or after),
// the store and $SESAME_HOME/run are unreadable, and each attempt is a
// deny-read violation; the session command has a private, writable /tmp;
// a workspace below a directory the sandbox's uid may not search works by
// its absolute path.
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

// A directory under /var/tmp (outside $SESAME_HOME, outside the private
// /tmp), removed at the end; mkdtemp makes it 0700.
class VarTmpDir {
 public:
  VarTmpDir() {
    char pattern[] = "/var/tmp/sesame-isolation-XXXXXX";
    path_ = ::mkdtemp(pattern) ? pattern : "";
  }
  ~VarTmpDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Sandbox(const std::string& name, const std::string& workspace, const std::string& script) {
  std::string yaml = "apiVersion: sesame.dev/v1alpha1\nkind: Sandbox\nmetadata: {name: " + name +
                     "}\nspec:\n  provider: filesystem\n";
  if (!workspace.empty()) yaml += "  workspace: {path: " + workspace + "}\n";
  return yaml + "  command: [\"sh\", \"-c\", " + nlohmann::json(script).dump() + "]\n";
}

class IsolationTest : public E2eTest, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    extra_env_["SESAME_SECURITY_BACKEND"] = GetParam();
    controller_ = StartController();
  }

  void ApplyAndWait(const std::string& yaml, const std::string& name) {
    Apply(yaml);
    auto wait = Sesame({"wait", "sandbox/" + name, "--timeout", "60s"});
    ASSERT_EQ(wait.exit_code, 0) << name << ": " << wait.err << "\n"
                                 << Sesame({"describe", "sandbox", name}).out << ControllerLogs();
  }

  // The deny-read violations of sandbox `name` whose target starts with `prefix`.
  int DenyReads(const std::string& name, const std::string& prefix) {
    auto r = Sesame({"get", "violations", name, "-o", "json"});
    // A List, or one object per line.
    std::vector<nlohmann::json> items;
    auto whole = nlohmann::json::parse(r.out, nullptr, false);
    if (!whole.is_discarded() && whole.contains("items")) {
      for (const auto& v : whole["items"]) items.push_back(v);
    } else {
      std::istringstream lines(r.out);
      for (std::string line; std::getline(lines, line);) {
        auto v = nlohmann::json::parse(line, nullptr, false);
        if (!v.is_discarded() && v.is_object()) items.push_back(v);
      }
    }
    int count = 0;
    for (const auto& v : items) {
      if (v.value("rule", "") == "deny-read" && v.value("target", "").rfind(prefix, 0) == 0) ++count;
    }
    return count;
  }

  std::unique_ptr<testing::BackgroundProcess> controller_;
};

TEST_P(IsolationTest, OtherSandboxesWorkspacesAreHiddenWhereverTheyLive) {
  VarTmpDir root;
  ASSERT_FALSE(root.path().empty());
  // Readable by everyone on the host, so that only the sandbox can hide it.
  ::chmod(root.path().c_str(), 0755);
  std::string workspace = root.path() + "/project";
  std::filesystem::create_directories(workspace);
  std::ofstream(workspace + "/secret.txt") << "top-secret\n";
  ::chmod((workspace + "/secret.txt").c_str(), 0644);

  // One sandbox running before the workspace's owner exists, one made after.
  ApplyAndWait(Sandbox("early", "", "sleep 600"), "early");
  ApplyAndWait(Sandbox("owner", workspace, "cat secret.txt; sleep 600"), "owner");
  ApplyAndWait(Sandbox("late", "", "sleep 600"), "late");

  ASSERT_TRUE(Eventually([&] { return Sesame({"logs", "owner"}).out.find("top-secret") != std::string::npos; },
                         20000))
      << "the owner reads its own workspace: " << Sesame({"logs", "owner"}).out;
  for (const char* reader : {"early", "late"}) {
    auto read = Sesame({"exec", reader, "--", "cat", workspace + "/secret.txt"});
    EXPECT_NE(read.exit_code, 0) << reader;
    EXPECT_EQ(read.out.find("top-secret"), std::string::npos) << reader << " read another sandbox's workspace";
    auto list = Sesame({"exec", reader, "--", "ls", "-A", workspace});
    EXPECT_EQ(list.out.find("secret.txt"), std::string::npos) << reader << " lists it: " << list.out;
  }
  // The controller's own files: the store and the supervisors' state.
  for (const std::string& path : {home() + "/state.db", home() + "/run"}) {
    auto read = Sesame({"exec", "late", "--", "sh", "-c", "cat " + path + " || ls " + path});
    EXPECT_EQ(read.out, "") << path << " is readable from a sandbox";
  }
  EXPECT_TRUE(Eventually([&] { return DenyReads("early", workspace) > 0 && DenyReads("late", workspace) > 0; },
                         20000))
      << "every attempt is a deny-read violation:\n"
      << Sesame({"get", "violations", "-A"}).out;
}

TEST_P(IsolationTest, SessionCommandHasAPrivateWritableTmp) {
  ApplyAndWait(Sandbox("tmp", "", "echo from-session > /tmp/a && cat /tmp/a && echo \"tmpdir=$TMPDIR\"; sleep 600"),
               "tmp");
  std::string logs;
  ASSERT_TRUE(Eventually([&] {
    logs = Sesame({"logs", "tmp"}).out;
    return logs.find("tmpdir=") != std::string::npos;
  }, 20000)) << logs;
  EXPECT_NE(logs.find("from-session"), std::string::npos) << logs;
  EXPECT_NE(logs.find("tmpdir=/tmp"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("Permission denied"), std::string::npos) << logs;
  // exec'd commands share the sandbox's /tmp, which is not the host's.
  auto exec = Sesame({"exec", "tmp", "--", "sh", "-c", "cat /tmp/a && echo from-exec > /tmp/b && cat /tmp/b"});
  EXPECT_EQ(exec.out, "from-session\nfrom-exec\n") << exec.err;
  EXPECT_FALSE(std::filesystem::exists("/tmp/b") && std::ifstream("/tmp/b").get() == 'f');
}

TEST_P(IsolationTest, WorkspaceBelowAnUnsearchableDirectoryWorksByItsAbsolutePath) {
  VarTmpDir root;  // 0700, owned by root: the sandbox's own uid may not search it
  ASSERT_FALSE(root.path().empty());
  std::string workspace = root.path() + "/ws";
  std::filesystem::create_directories(workspace);
  std::ofstream(workspace + "/note.txt") << "reachable\n";
  ApplyAndWait(Sandbox("deep", workspace,
                       "cat note.txt && cat " + workspace + "/note.txt && echo written > " + workspace +
                           "/out.txt && echo ok; sleep 600"),
               "deep");
  std::string logs;
  ASSERT_TRUE(Eventually([&] {
    logs = Sesame({"logs", "deep"}).out;
    return logs.find("ok") != std::string::npos || logs.find("denied") != std::string::npos ||
           logs.find("No such") != std::string::npos;
  }, 20000)) << logs;
  EXPECT_EQ(logs, "reachable\nreachable\nok\n");
  std::string written;
  std::getline(std::ifstream(workspace + "/out.txt"), written);
  EXPECT_EQ(written, "written");
}

INSTANTIATE_TEST_SUITE_P(Backends, IsolationTest, ::testing::Values("native", "bubblewrap"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace sesame::e2e
