// GitOps: `sesame controller --git REPO` keeps the store equal to a Git
// branch. A local repository is committed to, changed, pruned and broken;
// a broken commit or an unreachable repository changes nothing and shows
// in `sesame get syncs`; POST /v1/sync syncs at once.
#include <filesystem>
#include <fstream>
#include <iterator>
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
  // The status of the one GitSync, as JSON (null when none).
  nlohmann::json Sync() {
    auto r = Sesame({"get", "syncs", "-o", "json"});
    if (r.exit_code != 0 || r.out.empty()) return nullptr;
    auto list = nlohmann::json::parse(r.out, nullptr, false);
    if (!list.is_object() || list["items"].empty()) return nullptr;
    return list["items"][0].value("status", nlohmann::json::object());
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
  auto object = nlohmann::json::parse(Sesame({"get", "gitsync", "git-fleet", "-o", "json"}).out);
  EXPECT_EQ(object["kind"], "GitSync");
  EXPECT_EQ(object["spec"]["repo"], Url());
  EXPECT_EQ(object["spec"]["branch"], "main");
  EXPECT_EQ(object["spec"]["path"], "sandboxes");
  EXPECT_EQ(object["spec"]["selfHeal"], true);
  EXPECT_EQ(sync["phase"], "Synced");
  EXPECT_EQ(sync["health"], "Healthy");
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
  ASSERT_TRUE(Eventually([&] { return Sync()["phase"] == "Failed"; }, 15000)) << ControllerLogs();
  sync = Sync();
  EXPECT_EQ(sync["revision"], third);  // still the last good commit
  EXPECT_EQ(sync["failedRevision"], broken);
  std::string error = sync["message"];
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
  EXPECT_EQ(sync["phase"], "Synced");
  EXPECT_EQ(sync["revision"], fixed);
  EXPECT_FALSE(sync.contains("message")) << sync;
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
  auto remote_sync = nlohmann::json::parse(remote.out)["items"][0]["status"];
  EXPECT_EQ(remote_sync["revision"], second);
  EXPECT_EQ(remote_sync["phase"], "Synced");

  // The repository gone (a transient outage): nothing pruned.
  std::filesystem::rename(repo_, repo_ + "-away");
  post = testing::RunCommand({"curl", "-sS", "-X", "POST", "--data", "", url + "/v1/sync"});
  ASSERT_TRUE(Eventually([&] { return Sync()["phase"] == "Failed"; }, 5000)) << ControllerLogs();
  auto sync = Sync();
  EXPECT_NE(sync["message"].get<std::string>().find("git fetch"), std::string::npos) << sync;
  EXPECT_EQ(sync["revision"], second);
  EXPECT_TRUE(HasTemplate("alpha"));
  EXPECT_TRUE(HasTemplate("beta"));

  // Back: the next sync succeeds, unchanged.
  std::filesystem::rename(repo_ + "-away", repo_);
  (void)testing::RunCommand({"curl", "-sS", "-X", "POST", "--data", "", url + "/v1/sync"});
  EXPECT_TRUE(Eventually([&] { return Sync()["phase"] == "Synced"; }, 5000)) << ControllerLogs();
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
  EXPECT_NE(none.err.find("No syncs"), std::string::npos) << none.err;
}

std::string Sandbox(const std::string& name) {
  return "apiVersion: sesame.dev/v1alpha1\n"
         "kind: Sandbox\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "  labels: {team: a}\n"
         "spec:\n"
         "  provider: filesystem\n"
         "  command: [\"sh\", \"-c\", \"echo up; sleep 3600\"]\n";
}

// Drift: an object patched out of band (through the API, as any client
// would) is reported OutOfSync with its fields and returns to the
// committed state; a watcher of the GitSync sees the OutOfSync status.
TEST_F(GitSyncTest, SelfHealsAnObjectPatchedOutOfBand) {
  Write("alpha.yaml", Template("alpha", "one"));
  Write("box.yaml", Sandbox("box"));
  std::string head = Commit("alpha and box");
  auto controller = StartController({"--git", Url(), "--interval", "2s"});
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  ASSERT_TRUE(Eventually([&] { auto s = Sync(); return s.is_object() && s.value("health", "") == "Healthy"; },
                         60000))
      << ControllerLogs();
  // Every change of the GitSync from here on.
  std::string watch_log = dir_.path() + "/watch.log";
  testing::BackgroundProcess watch({SESAME_BINARY, "get", "syncs", "-w", "-o", "json"}, Env(), watch_log);

  auto patch = testing::RunCommand({"curl", "-sS", "-X", "PATCH", "-H", "Content-Type: application/merge-patch+json",
                                    "--data", R"({"spec":{"command":["sh","-c","echo patched; sleep 3600"]}})",
                                    url + "/v1/namespaces/default/templates/alpha"});
  ASSERT_EQ(patch.exit_code, 0) << patch.err;
  ASSERT_NE(patch.out.find("patched"), std::string::npos) << patch.out;
  patch = testing::RunCommand({"curl", "-sS", "-X", "PATCH", "-H", "Content-Type: application/merge-patch+json",
                               "--data", R"({"metadata":{"labels":{"team":"b"}}})",
                               url + "/v1/namespaces/default/sandboxes/box"});
  ASSERT_EQ(patch.exit_code, 0) << patch.err;

  // Back to the committed state, well within the 2 s interval's reach.
  ASSERT_TRUE(Eventually([&] {
    auto t = Sesame({"get", "template", "alpha", "-o", "json"}).out;
    auto b = Get("box");
    return t.find("echo one") != std::string::npos && b.is_object() && b["metadata"]["labels"]["team"] == "a";
  }, 30000)) << ControllerLogs();
  EXPECT_TRUE(Eventually([&] { return Sync()["phase"] == "Synced"; }, 10000));
  EXPECT_EQ(Sync()["revision"], head);
  // The watcher saw OutOfSync, naming the objects and fields.
  std::string seen;
  ASSERT_TRUE(Eventually([&] {
    std::ifstream in(watch_log);
    seen.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return seen.find("\"OutOfSync\"") != std::string::npos;
  }, 10000)) << seen;
  EXPECT_NE(seen.find("spec.command"), std::string::npos) << seen;
  EXPECT_NE(seen.find("metadata.labels.team"), std::string::npos) << seen;
  auto events = Sesame({"get", "events"});
  EXPECT_NE(events.out.find("OutOfSync"), std::string::npos) << events.out;
  EXPECT_NE(ControllerLogs().find("(self-heal)"), std::string::npos) << ControllerLogs();
}

TEST_F(GitSyncTest, WithoutSelfHealDriftIsReportedAndKept) {
  Write("alpha.yaml", Template("alpha", "one"));
  Commit("alpha");
  auto controller = StartController({"--git", Url(), "--interval", "1s", "--no-self-heal"});
  ASSERT_TRUE(Eventually([&] { return HasTemplate("alpha"); }, 20000)) << ControllerLogs();
  ASSERT_EQ(Sesame({"delete", "template", "alpha"}).exit_code, 0);
  ASSERT_TRUE(Eventually([&] { return Sync()["phase"] == "OutOfSync"; }, 15000)) << ControllerLogs();
  auto sync = Sync();
  ASSERT_EQ(sync["outOfSync"].size(), 1u) << sync;
  EXPECT_EQ(sync["outOfSync"][0]["name"], "alpha");
  EXPECT_EQ(sync["outOfSync"][0]["reason"], "Missing");
  auto table = Sesame({"get", "syncs"});
  EXPECT_NE(table.out.find("OutOfSync"), std::string::npos) << table.out;
  EXPECT_FALSE(HasTemplate("alpha"));
  // `sesame sync` does not heal either: a new commit is what brings it back.
  Write("alpha.yaml", Template("alpha", "two"));
  Commit("alpha two");
  ASSERT_EQ(Sesame({"sync", "git-fleet"}).exit_code, 0);
  EXPECT_TRUE(Eventually([&] { return HasTemplate("alpha"); }, 15000)) << ControllerLogs();
}

// Git hosts authenticate webhooks with a shared secret: GitHub signs the
// body (X-Hub-Signature-256), GitLab sends the secret (X-Gitlab-Token). A
// request without a body is fine; a wrong signature is refused.
TEST_F(GitSyncTest, SignedWebhooksAreAcceptedAndWrongSignaturesRefused) {
  Write("alpha.yaml", Template("alpha", "one"));
  Commit("alpha");
  std::string secret_file = dir_.Write("secret", "s3cret\n");
  std::string tokens = dir_.Write("tokens", "admintoken-0123456789 *\n");
  auto controller = StartController({"--git", Url(), "--interval", "1h", "--webhook-secret-file", secret_file,
                                     "--token-file", tokens});
  std::string url = ServerUrl();
  ASSERT_FALSE(url.empty()) << ControllerLogs();
  ASSERT_TRUE(Eventually([&] { return HasTemplate("alpha"); }, 20000)) << ControllerLogs();
  auto post = [&](std::vector<std::string> headers, const std::string& body) {
    std::vector<std::string> argv = {"curl", "-sS", "-o", "/dev/stderr", "-w", "%{http_code}", "-X", "POST"};
    for (const auto& h : headers) argv.insert(argv.end(), {"-H", h});
    if (!body.empty()) argv.insert(argv.end(), {"--data-binary", body});
    argv.push_back(url + "/v1/sync");
    return testing::RunCommand(argv);
  };
  std::string body = R"({"ref":"refs/heads/main","repository":{"full_name":"org/fleet"}})";
  // HMAC-SHA256("s3cret", body), as GitHub computes it.
  auto hmac = testing::RunCommand({"sh", "-c", "printf '%s' \"$0\" | openssl dgst -sha256 -hmac s3cret -r", body});
  ASSERT_EQ(hmac.exit_code, 0) << hmac.err;
  std::string signature = "sha256=" + hmac.out.substr(0, 64);

  Write("beta.yaml", Template("beta", "two"));
  Commit("beta");
  auto wrong = post({"X-Hub-Signature-256: sha256=" + std::string(64, '0'), "X-GitHub-Event: push"}, body);
  EXPECT_EQ(wrong.out, "401") << wrong.err;
  auto unsigned_post = post({}, "");
  EXPECT_EQ(unsigned_post.out, "401") << unsigned_post.err;  // no token, no signature
  auto gitlab_wrong = post({"X-Gitlab-Token: nope"}, "");
  EXPECT_EQ(gitlab_wrong.out, "401") << gitlab_wrong.err;
  EXPECT_FALSE(HasTemplate("beta"));

  auto github = post({"X-Hub-Signature-256: " + signature, "X-GitHub-Event: push",
                      "Content-Type: application/json"}, body);
  EXPECT_EQ(github.out, "202") << github.err;
  EXPECT_TRUE(Eventually([&] { return HasTemplate("beta"); }, 15000)) << ControllerLogs();

  // GitLab, with an empty body.
  Write("gamma.yaml", Template("gamma", "three"));
  Commit("gamma");
  auto gitlab = post({"X-Gitlab-Token: s3cret"}, "");
  EXPECT_EQ(gitlab.out, "202") << gitlab.err;
  EXPECT_TRUE(Eventually([&] { return HasTemplate("gamma"); }, 15000)) << ControllerLogs();
  // A bearer token still works, also without a body.
  auto bearer = post({"Authorization: Bearer admintoken-0123456789"}, "");
  EXPECT_EQ(bearer.out, "202") << bearer.err;
}

}  // namespace
}  // namespace sesame::e2e
