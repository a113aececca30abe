// GitOps: `sesame controller --git REPO` keeps the store equal to a Git
// branch. A local repository is committed to, changed, pruned and broken;
// a broken commit or an unreachable repository changes nothing and shows
// in `sesame get syncs`; POST /v1/sync syncs at once.
#include <filesystem>
#include <regex>

#include "tests/e2e/e2e_fixture.h"

namespace sesame::e2e {
namespace {

std::string Template(const std::string& name, const std::string& echo) {
  return "apiVersion: sesame.dev/v1alpha1\n"
         "kind: SandboxTemplate\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  provider: filesystem\n"
         "  command: [\"sh\", \"-c\", \"echo " + echo + "; sleep 3600\"]\n";
}

class GitSyncTest : public E2eTest {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/fleet";
    std::filesystem::create_directories(repo_);
    Git({"init", "-q"});
    Git({"checkout", "-q", "-b", "main"});
    // Outside --path: never applied.
    dir_.Write("fleet/README.md", "the fleet\n");
  }
  void Git(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-C", repo_, "-c", "user.name=Test", "-c", "user.email=test@example.com"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = testing::RunCommand(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Commits everything in the work tree; returns the new head.
  std::string Commit(const std::string& message) {
    Git({"add", "-A"});
    Git({"commit", "-q", "-m", message});
    auto head = testing::RunCommand({"git", "-C", repo_, "rev-parse", "HEAD"});
    return head.out.substr(0, 40);
  }
  void Write(const std::string& name, const std::string& text) { dir_.Write("fleet/" + name, text); }
  std::string Url() const { return "file://" + repo_; }
  // The one recorded sync, as JSON (null when none).
  nlohmann::json Sync() {
    auto r = Sesame({"get", "syncs", "-o", "json"});
    if (r.exit_code != 0 || r.out.empty()) return nullptr;
    return nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
  }
  bool HasTemplate(const std::string& name) {
    return Sesame({"get", "template", name, "-o", "name"}).exit_code == 0;
  }

  std::string repo_;
};

TEST_F(GitSyncTest, FollowsTheBranchPrunesAndSurvivesABrokenCommit) {
  Write("sandboxes/alpha.yaml", Template("alpha", "one"));
  Write("sandboxes/team/beta.yaml", Template("beta", "two"));
  std::string first = Commit("two templates");
  auto controller = StartController({"--git", Url(), "--path", "sandboxes", "--interval", "1s"});

  ASSERT_TRUE(Eventually([&] { return HasTemplate("alpha") && HasTemplate("beta"); }, 20000)) << ControllerLogs();
  ASSERT_TRUE(Eventually([&] { auto s = Sync(); return s.is_object() && s["revision"] == first; }, 10000))
      << ControllerLogs();
  auto sync = Sync();
  EXPECT_EQ(sync["applyset"], "git-fleet");
  EXPECT_EQ(sync["repo"], Url());
  EXPECT_EQ(sync["branch"], "main");
  EXPECT_EQ(sync["path"], "sandboxes");
  EXPECT_EQ(sync["outcome"], "Synced");
  EXPECT_EQ(sync["objects"], 2);
  auto table = Sesame({"get", "syncs"});
  EXPECT_NE(table.out.find("git-fleet"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(first.substr(0, 12)), std::string::npos) << table.out;

  // A change: configured.
  Write("sandboxes/alpha.yaml", Template("alpha", "changed"));
  std::string second = Commit("change alpha");
  ASSERT_TRUE(Eventually([&] {
    return Sesame({"get", "template", "alpha", "-o", "json"}).out.find("echo changed") != std::string::npos;
  }, 15000)) << ControllerLogs();
  EXPECT_TRUE(Eventually([&] { return Sync()["revision"] == second; }, 5000));
  EXPECT_NE(ControllerLogs().find("sandboxtemplate/alpha configured"), std::string::npos) << ControllerLogs();

  // A file removed: its object is pruned.
  std::filesystem::remove(repo_ + "/sandboxes/team/beta.yaml");
  std::string third = Commit("drop beta");
  ASSERT_TRUE(Eventually([&] { return !HasTemplate("beta"); }, 15000)) << ControllerLogs();
  EXPECT_TRUE(HasTemplate("alpha"));
  EXPECT_TRUE(Eventually([&] { return Sync()["revision"] == third; }, 5000));

  // A broken file: nothing applied, nothing pruned, the error with file:line.
  Write("sandboxes/alpha.yaml", Template("alpha", "broken") + "  bogus: 1\n");
  Write("sandboxes/gamma.yaml", Template("gamma", "new"));
  std::string broken = Commit("break alpha");
  ASSERT_TRUE(Eventually([&] { return Sync()["outcome"] == "Failed"; }, 15000)) << ControllerLogs();
  sync = Sync();
  EXPECT_EQ(sync["revision"], third);  // still the last good commit
  EXPECT_EQ(sync["failedRevision"], broken);
  std::string error = sync["error"];
  EXPECT_TRUE(std::regex_search(error, std::regex(R"(^sandboxes/alpha\.yaml:8:\d+: spec\.bogus)"))) << error;
  EXPECT_TRUE(HasTemplate("alpha"));
  EXPECT_FALSE(HasTemplate("gamma"));
  EXPECT_NE(Sesame({"get", "template", "alpha", "-o", "json"}).out.find("echo changed"), std::string::npos);
  table = Sesame({"get", "syncs"});
  EXPECT_NE(table.out.find("Failed"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("sandboxes/alpha.yaml:8:"), std::string::npos) << table.out;

  // Fixed: applied again (backing off, so within a few intervals).
  Write("sandboxes/alpha.yaml", Template("alpha", "fixed"));
  std::string fixed = Commit("fix alpha");
  ASSERT_TRUE(Eventually([&] { return HasTemplate("gamma"); }, 20000)) << ControllerLogs();
  sync = Sync();
  EXPECT_EQ(sync["outcome"], "Synced");
  EXPECT_EQ(sync["revision"], fixed);
  EXPECT_EQ(sync["error"], "");
  EXPECT_EQ(sync["failures"], 0);
}

TEST_F(GitSyncTest, WebhookSyncsAtOnceAndAFailedFetchChangesNothing) {
  Write("alpha.yaml", Template("alpha", "one"));
  std::string first = Commit("alpha");
  auto controller = StartController({"--git", repo_, "--interval", "1h"});
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  ASSERT_TRUE(Eventually([&] { return HasTemplate("alpha"); }, 20000)) << ControllerLogs();

  // Nothing polls for an hour: only the webhook brings the next commit in.
  Write("beta.yaml", Template("beta", "two"));
  std::string second = Commit("beta");
  auto post =
      testing::RunCommand({"curl", "-sS", "-X", "POST", "--data", "", "-w", "\n%{http_code}", url + "/v1/sync"});
  ASSERT_EQ(post.exit_code, 0) << post.err;
  EXPECT_NE(post.out.find("\n202"), std::string::npos) << post.out;
  EXPECT_TRUE(Eventually([&] { return HasTemplate("beta"); }, 5000)) << ControllerLogs();

  // The same status through the API.
  auto remote = testing::RunCommand({SESAME_BINARY, "get", "syncs", "-o", "json"},
                                    {{"SESAME_HOME", dir_.path() + "/elsewhere"}, {"SESAME_SERVER", url}});
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  auto remote_sync = nlohmann::json::parse(remote.out);
  EXPECT_EQ(remote_sync["revision"], second);
  EXPECT_EQ(remote_sync["outcome"], "Synced");

  // The repository gone (a transient outage): nothing pruned.
  std::filesystem::rename(repo_, repo_ + "-away");
  post = testing::RunCommand({"curl", "-sS", "-X", "POST", "--data", "", url + "/v1/sync"});
  ASSERT_TRUE(Eventually([&] { return Sync()["outcome"] == "Failed"; }, 5000)) << ControllerLogs();
  auto sync = Sync();
  EXPECT_NE(sync["error"].get<std::string>().find("git fetch"), std::string::npos) << sync;
  EXPECT_EQ(sync["revision"], second);
  EXPECT_TRUE(HasTemplate("alpha"));
  EXPECT_TRUE(HasTemplate("beta"));

  // Back: the next sync succeeds, unchanged.
  std::filesystem::rename(repo_ + "-away", repo_);
  (void)testing::RunCommand({"curl", "-sS", "-X", "POST", "--data", "", url + "/v1/sync"});
  EXPECT_TRUE(Eventually([&] { return Sync()["outcome"] == "Synced"; }, 5000)) << ControllerLogs();
  EXPECT_EQ(Sync()["revision"], second);
}

TEST_F(GitSyncTest, WebhookWithoutGitIsNotFoundAndFlagsAreChecked) {
  auto controller = StartController();
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  auto post = testing::RunCommand(
      {"curl", "-sS", "-X", "POST", "--data", "", "-o", "/dev/null", "-w", "%{http_code}", url + "/v1/sync"});
  EXPECT_EQ(post.out, "404");
  EXPECT_EQ(Sesame({"controller", "--branch", "dev"}).exit_code, 2);
  EXPECT_EQ(Sesame({"controller", "--git", repo_, "--path", "../etc"}).exit_code, 2);
  EXPECT_EQ(Sesame({"up", "--git", repo_, "some-dir"}).exit_code, 2);
  auto none = Sesame({"get", "syncs"});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_NE(none.err.find("No syncs recorded"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace sesame::e2e
