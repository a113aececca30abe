// GitSync against a local repository and a real SQLite store, without a
// controller: what a sync applies, records and refuses to do.
#include "cli/git_sync.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cli/git_command.h"
#include "store/sqlite_store.h"
#include "tests/testing/run_command.h"

namespace sesame::cli {
namespace {

std::string Template(const std::string& name) {
  return "apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\nmetadata:\n  name: " + name +
         "\nspec:\n  provider: filesystem\n  command: [\"true\"]\n";
}

class GitSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/repo";
    std::filesystem::create_directories(repo_);
    Git({"init", "-q"});
    Git({"checkout", "-q", "-b", "main"});
    store_ = store::OpenSqliteStore(dir_.path() + "/state.db", Clock::Real(), {}).value();
  }
  void Git(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-C", repo_, "-c", "user.name=T", "-c", "user.email=t@example.com"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = testing::RunCommand(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Commit() {
    Git({"add", "-A"});
    Git({"commit", "-q", "--allow-empty", "-m", "c"});
    return testing::RunCommand({"git", "-C", repo_, "rev-parse", "HEAD"}).out.substr(0, 40);
  }
  std::unique_ptr<GitSync> MakeSync(const std::string& path = ".") {
    GitSyncOptions options;
    options.repo = repo_;
    options.path = path;
    options.cache_root = dir_.path() + "/cache";
    return std::make_unique<GitSync>(*store_, options, [this](const std::string& l) { lines_.push_back(l); },
                                     [this] { applied_++; });
  }
  bool Has(const std::string& name) {
    return store_->Get({specs::kKindSandboxTemplate, specs::kDefaultNamespace, name}).ok();
  }
  controller::SyncStatus Recorded() { return controller::ListSyncStatuses(*store_).value().at(0); }

  testing::TempDir dir_;
  std::string repo_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::string> lines_;
  int applied_ = 0;
};

TEST_F(GitSyncTest, AppliesTheHeadAndSkipsAnUnchangedOne) {
  dir_.Write("repo/a.yaml", Template("a"));
  std::string head = Commit();
  auto sync = MakeSync();
  ASSERT_TRUE(sync->SyncOnce().ok());
  EXPECT_TRUE(Has("a"));
  EXPECT_EQ(applied_, 1);
  auto s = Recorded();
  EXPECT_EQ(s.applyset, "git-repo");
  EXPECT_EQ(s.revision, head);
  EXPECT_EQ(s.outcome, "Synced");
  EXPECT_EQ(s.objects, 1);
  ASSERT_TRUE(sync->SyncOnce().ok());
  EXPECT_EQ(applied_, 1);
}

TEST_F(GitSyncTest, ABrokenCommitChangesNothing) {
  dir_.Write("repo/a.yaml", Template("a"));
  dir_.Write("repo/b.yaml", Template("b"));
  std::string good = Commit();
  auto sync = MakeSync();
  ASSERT_TRUE(sync->SyncOnce().ok());
  std::filesystem::remove(repo_ + "/b.yaml");
  dir_.Write("repo/a.yaml", "apiVersion: sesame.dev/v1alpha1\nkind: SandboxTemplate\nmetadata: [\n");
  std::string bad = Commit();
  Status status = sync->SyncOnce();
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(Has("a"));
  EXPECT_TRUE(Has("b"));
  auto s = Recorded();
  EXPECT_EQ(s.outcome, "Failed");
  EXPECT_EQ(s.revision, good);
  EXPECT_EQ(s.failed_revision, bad);
  EXPECT_EQ(s.failures, 1);
  EXPECT_EQ(s.error.rfind("a.yaml:", 0), 0u) << s.error;
  EXPECT_FALSE(sync->SyncOnce().ok());
  EXPECT_EQ(Recorded().failures, 2);
}

TEST_F(GitSyncTest, AMissingPathOrBranchChangesNothing) {
  dir_.Write("repo/a.yaml", Template("a"));
  Commit();
  ASSERT_TRUE(MakeSync()->SyncOnce().ok());
  auto missing = MakeSync("nowhere");
  EXPECT_FALSE(missing->SyncOnce().ok());
  EXPECT_NE(Recorded().error.find("\"nowhere\" does not exist"), std::string::npos) << Recorded().error;
  EXPECT_TRUE(Has("a"));
}

TEST_F(GitSyncTest, PrunesWhatTheBranchNoLongerDeclares) {
  dir_.Write("repo/a.yaml", Template("a"));
  dir_.Write("repo/sub/b.yaml", Template("b"));
  Commit();
  auto sync = MakeSync();
  ASSERT_TRUE(sync->SyncOnce().ok());
  EXPECT_TRUE(Has("b"));
  std::filesystem::remove(repo_ + "/sub/b.yaml");
  Commit();
  ASSERT_TRUE(sync->SyncOnce().ok());
  EXPECT_FALSE(Has("b"));
  EXPECT_TRUE(Has("a"));
  EXPECT_EQ(lines_.end()[-2], "sandboxtemplate/b pruned");
}

TEST(GitSyncNames, ApplysetFor) {
  EXPECT_EQ(GitSync::ApplysetFor("file:///tmp/x/fleet.git"), "git-fleet");
  EXPECT_EQ(GitSync::ApplysetFor("git@github.com:org/My_Repo.git"), "git-my-repo");
  EXPECT_EQ(GitSync::ApplysetFor("/srv/repo/"), "git-repo");
  EXPECT_EQ(GitSync::ApplysetFor("/").substr(0, 4), "git-");
  EXPECT_GT(GitSync::ApplysetFor("/").size(), 4u);
}

TEST(GitSyncBackoff, DoublesUpToTheCapAndNeverBelowTheInterval) {
  using std::chrono::minutes;
  using std::chrono::seconds;
  EXPECT_EQ(GitSync::NextDelay(seconds(1), minutes(5), 0), seconds(1));
  EXPECT_EQ(GitSync::NextDelay(seconds(1), minutes(5), 3), seconds(8));
  EXPECT_EQ(GitSync::NextDelay(seconds(30), minutes(5), 30), minutes(5));
  EXPECT_EQ(GitSync::NextDelay(minutes(10), minutes(5), 3), minutes(10));
}

TEST(GitCommand, ReportsStderr) {
  auto version = RunGit({{"--version"}});
  ASSERT_TRUE(version.ok()) << version.status().message();
  EXPECT_EQ(version->rfind("git version", 0), 0u);
  auto bad = RunGit({{"-C", "/nonexistent-dir", "status"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("git status: ", 0), 0u) << bad.status().message();
  EXPECT_NE(bad.status().message().find("nonexistent-dir"), std::string::npos);
}

TEST(SyncStatusJson, RoundTrips) {
  controller::SyncStatus s;
  s.applyset = "git-x";
  s.repo = "file:///r";
  s.branch = "main";
  s.path = ".";
  s.revision = "abc";
  s.outcome = "Failed";
  s.error = "a.yaml:1:2: bad\nb.yaml:3:4: worse";
  s.failures = 3;
  s.time = ParseTime("2026-01-02T03:04:05Z").value();
  auto back = controller::SyncStatusFromJson(controller::SyncStatusToJson(s)).value();
  EXPECT_EQ(controller::SyncStatusToJson(back), controller::SyncStatusToJson(s));
  EXPECT_EQ(back.error, s.error);
  EXPECT_EQ(back.applied_time, Time{});
}

}  // namespace
}  // namespace sesame::cli
