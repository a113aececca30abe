// GitSync against a local repository and a real SQLite store, without a
// controller: what a sync applies, records and refuses to do.
#include "cli/git_sync.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cli/git_command.h"
#include "specs/gitsync.h"
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
  // A GitSync object "git-repo" of the repository, and its runner.
  std::unique_ptr<GitSync> MakeSync(const std::string& path = ".", bool self_heal = true) {
    specs::GitSyncSpec spec;
    spec.repo = repo_;
    spec.path = path;
    spec.self_heal = self_heal;
    specs::Object o;
    o.kind = specs::kKindGitSync;
    o.metadata.name = "git-repo";
    o.spec = specs::EncodeGitSyncSpec(spec);
    EXPECT_TRUE(store_->Apply({o}, {}).ok());
    GitSyncOptions options;
    options.cache_root = dir_.path() + "/cache";
    return std::make_unique<GitSync>(*store_, specs::KeyOf(o), spec, options,
                                     [this](const std::string& l) { lines_.push_back(l); }, [this] { applied_++; });
  }
  bool Has(const std::string& name) {
    return store_->Get({specs::kKindSandboxTemplate, specs::kDefaultNamespace, name}).ok();
  }
  specs::GitSyncStatus Recorded() {
    auto o = store_->Get({specs::kKindGitSync, specs::kDefaultNamespace, "git-repo"}).value();
    return specs::DecodeGitSyncStatus(o.status).value();
  }

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
  EXPECT_EQ(sync->applyset(), "git-repo");
  EXPECT_EQ(s.revision, head);
  EXPECT_EQ(s.phase, "Synced");
  EXPECT_EQ(s.health, "Healthy");
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
  EXPECT_EQ(s.phase, "Failed");
  EXPECT_EQ(s.revision, good);
  EXPECT_EQ(s.failed_revision, bad);
  EXPECT_EQ(s.failures, 1);
  EXPECT_EQ(s.message.rfind("a.yaml:", 0), 0u) << s.message;
  EXPECT_FALSE(sync->SyncOnce().ok());
  EXPECT_EQ(Recorded().failures, 2);
}

TEST_F(GitSyncTest, AMissingPathOrBranchChangesNothing) {
  dir_.Write("repo/a.yaml", Template("a"));
  Commit();
  ASSERT_TRUE(MakeSync()->SyncOnce().ok());
  auto missing = MakeSync("nowhere");
  EXPECT_FALSE(missing->SyncOnce().ok());
  EXPECT_NE(Recorded().message.find("\"nowhere\" does not exist"), std::string::npos) << Recorded().message;
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

TEST_F(GitSyncTest, ReportsAndHealsDriftAtTheSameRevision) {
  dir_.Write("repo/a.yaml", Template("a"));
  Commit();
  auto sync = MakeSync();
  ASSERT_TRUE(sync->SyncOnce().ok());
  auto live = store_->Get({specs::kKindSandboxTemplate, specs::kDefaultNamespace, "a"}).value();
  int64_t before = store_->CurrentResourceVersion().value();
  live.spec = R"({"command":["false"],"provider":"filesystem"})";
  live.metadata.labels["team"] = "b";
  ASSERT_TRUE(store_->Update(live).ok());
  ASSERT_TRUE(sync->CheckDrift().ok());
  // Healed: the committed spec is back, the labels too.
  auto healed = store_->Get({specs::kKindSandboxTemplate, specs::kDefaultNamespace, "a"}).value();
  EXPECT_EQ(healed.spec, R"({"command":["true"],"provider":"filesystem"})");
  EXPECT_TRUE(healed.metadata.labels.empty());
  EXPECT_EQ(Recorded().phase, "Synced");
  // The OutOfSync state was written before the heal, with the fields.
  bool saw = false;
  auto changes = store_->ChangesSince(before, 1000);
  ASSERT_TRUE(changes.ok()) << changes.status().message();
  for (const auto& c : *changes) {
    if (c.object.kind != specs::kKindGitSync) continue;
    auto st = specs::DecodeGitSyncStatus(c.object.status).value();
    if (st.phase != "OutOfSync") continue;
    saw = true;
    ASSERT_EQ(st.out_of_sync.size(), 1u);
    EXPECT_EQ(st.out_of_sync[0].name, "a");
    EXPECT_EQ(st.out_of_sync[0].reason, "Modified");
    EXPECT_EQ(st.out_of_sync[0].fields, (std::vector<std::string>{"metadata.labels.team", "spec.command"}));
  }
  EXPECT_TRUE(saw);
}

TEST_F(GitSyncTest, WithoutSelfHealDriftStaysOutOfSync) {
  dir_.Write("repo/a.yaml", Template("a"));
  Commit();
  auto sync = MakeSync(".", /*self_heal=*/false);
  ASSERT_TRUE(sync->SyncOnce().ok());
  ASSERT_TRUE(store_->Delete({specs::kKindSandboxTemplate, specs::kDefaultNamespace, "a"}).ok());
  ASSERT_TRUE(sync->SyncOnce().ok());
  EXPECT_FALSE(Has("a"));
  auto s = Recorded();
  EXPECT_EQ(s.phase, "OutOfSync");
  ASSERT_EQ(s.out_of_sync.size(), 1u);
  EXPECT_EQ(s.out_of_sync[0].reason, "Missing");
  EXPECT_NE(s.message.find("self-heal is off"), std::string::npos) << s.message;
}

TEST_F(GitSyncTest, TakingAnObjectFromAnotherApplysetFails) {
  specs::Object other;
  other.kind = specs::kKindSandboxTemplate;
  other.metadata.name = "a";
  other.spec = R"({"provider":"filesystem"})";
  store::ApplyOptions theirs;
  theirs.applyset = "someone-else";
  ASSERT_TRUE(store_->Apply({other}, theirs).ok());

  dir_.Write("repo/a.yaml", Template("a"));
  Commit();
  auto sync = MakeSync();
  EXPECT_FALSE(sync->SyncOnce().ok());

  EXPECT_EQ(Recorded().phase, "Failed");
  EXPECT_NE(Recorded().message.find("belongs to applyset \"someone-else\""), std::string::npos)
      << Recorded().message;
}

TEST(GitSyncNames, NameFor) {
  EXPECT_EQ(GitSync::NameFor("file:///tmp/x/fleet.git"), "git-fleet");
  EXPECT_EQ(GitSync::NameFor("git@github.com:org/My_Repo.git"), "git-my-repo");
  EXPECT_EQ(GitSync::NameFor("/srv/repo/"), "git-repo");
  EXPECT_EQ(GitSync::NameFor("/").substr(0, 4), "git-");
  EXPECT_GT(GitSync::NameFor("/").size(), 4u);
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

TEST(GitSyncStatusJson, RoundTrips) {
  specs::GitSyncStatus s;
  s.phase = "OutOfSync";
  s.revision = "abc";
  s.health = "Progressing";
  s.message = "a.yaml:1:2: bad\nb.yaml:3:4: worse";
  s.failures = 3;
  s.last_sync_time = ParseTime("2026-01-02T03:04:05Z").value();
  s.out_of_sync = {{"Sandbox", "default", "x", "Modified", {"spec.command"}}};
  auto back = specs::DecodeGitSyncStatus(specs::EncodeGitSyncStatus(s)).value();
  EXPECT_EQ(back, s);
}

}  // namespace
}  // namespace sesame::cli
