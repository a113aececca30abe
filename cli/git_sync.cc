#include "cli/git_sync.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "cli/git_command.h"
#include "specs/manifest.h"

namespace sesame::cli {

namespace fs = std::filesystem;

namespace {

// FNV-1a: stable across builds, so the cache survives upgrades.
std::string HashOf(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[17];
  snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

GitSync::GitSync(store::Store& store, GitSyncOptions options, std::function<void(const std::string&)> report,
                 std::function<void()> on_applied)
    : store_(store), options_(std::move(options)), report_(std::move(report)), on_applied_(std::move(on_applied)) {
  if (options_.applyset.empty()) options_.applyset = ApplysetFor(options_.repo);
  if (options_.cache_root.empty()) options_.cache_root = store::DefaultHome() + "/git";
  cache_ = options_.cache_root + "/" + HashOf(options_.repo);
  last_.applyset = options_.applyset;
  last_.repo = options_.repo;
  last_.branch = options_.branch;
  last_.path = options_.path;
  // Keep what an earlier run recorded (the revision applied), but apply the
  // head again once: the store may have drifted while nothing was running.
  if (auto text = store_.GetSetting("sync/" + options_.applyset); text.ok() && text->has_value()) {
    if (auto s = controller::SyncStatusFromJson(**text); s.ok() && s->repo == options_.repo) {
      last_.revision = s->revision;
      last_.applied_time = s->applied_time;
      last_.objects = s->objects;
    }
  }
}

GitSync::~GitSync() { Stop(); }

std::string GitSync::ApplysetFor(const std::string& repo) {
  std::string base = repo;
  while (!base.empty() && base.back() == '/') base.pop_back();
  base = base.substr(base.find_last_of("/:") == std::string::npos ? 0 : base.find_last_of("/:") + 1);
  if (base.size() > 4 && base.substr(base.size() - 4) == ".git") base.resize(base.size() - 4);
  std::string out = "git-";
  for (char c : base) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += std::isalnum(static_cast<unsigned char>(l)) ? l : '-';
  }
  while (out.size() > 4 && out.back() == '-') out.pop_back();
  if (out == "git-") out += HashOf(repo).substr(0, 8);
  return out.substr(0, 63);
}

Millis GitSync::NextDelay(Millis interval, Millis max_backoff, int failures) {
  Millis delay = interval;
  Millis cap = std::max(interval, max_backoff);
  for (int i = 0; i < failures && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

Result<std::string> GitSync::FetchHead() {
  std::string repo_dir = cache_ + "/repo.git";
  std::error_code ec;
  if (!fs::exists(repo_dir + "/HEAD", ec)) {
    fs::create_directories(cache_, ec);
    auto init = RunGit({{"init", "--bare", "--quiet", repo_dir}, {}, options_.git_timeout});
    if (!init.ok()) return init.status();
  }
  std::string ref = "refs/remotes/origin/" + options_.branch;
  auto fetch = RunGit({{"--git-dir=" + repo_dir, "fetch", "--quiet", "--no-tags", "--force", "--prune",
                        "--", options_.repo, "+refs/heads/" + options_.branch + ":" + ref},
                       {},
                       options_.git_timeout});
  if (!fetch.ok()) return fetch.status();
  auto head = RunGit({{"--git-dir=" + repo_dir, "rev-parse", "--verify", "--quiet", ref + "^{commit}"},
                      {},
                      options_.git_timeout});
  if (!head.ok()) return UnavailableError("branch " + options_.branch + " has no commit in " + options_.repo);
  return Trim(*head);
}

Status GitSync::Export(const std::string& commit, const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir + ": " + ec.message());
  std::string index = dir + ".index";
  fs::remove(index, ec);
  // A private index, so the cache clone itself is never touched; symlinks
  // become plain files, so a repository cannot point the loader elsewhere.
  auto out = RunGit({{"--git-dir=" + cache_ + "/repo.git", "--work-tree=" + dir, "-c", "core.symlinks=false",
                      "checkout", "--quiet", "-f", commit, "--", "."},
                     {"GIT_INDEX_FILE=" + index},
                     options_.git_timeout});
  fs::remove(index, ec);
  return out.ok() ? Status::Ok() : out.status();
}

Status GitSync::Fail(controller::SyncStatus& s, const Status& error) {
  s.outcome = controller::kSyncFailed;
  s.error = error.message();
  s.failures++;
  report_("sync " + options_.applyset + " failed (nothing changed): " + s.error);
  last_ = s;
  (void)controller::SaveSyncStatus(store_, s);
  return error;
}

Status GitSync::SyncOnce() {
  controller::SyncStatus s = last_;
  s.time = Clock::Real().Now();
  s.failed_revision.clear();
  auto head = FetchHead();
  if (!head.ok()) return Fail(s, head.status());
  if (*head == last_.revision && last_.outcome == controller::kSyncSynced) {
    s.failures = 0;
    last_ = s;
    return controller::SaveSyncStatus(store_, s);
  }
  s.failed_revision = *head;
  std::string dir = cache_ + "/export-" + std::to_string(getpid());
  Status exported = Export(*head, dir);
  if (!exported.ok()) return Fail(s, exported);
  std::string root = (fs::path(dir) / options_.path).lexically_normal().string();
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    return Fail(s, InvalidError("path \"" + options_.path + "\" does not exist at " + head->substr(0, 12)));
  }
  auto parsed = specs::LoadManifests({root}, true);
  fs::remove_all(dir, ec);
  if (!parsed.ok()) {
    // Errors name files as they are in the repository.
    std::string text;
    for (auto e : parsed.errors) {
      if (e.pos.file.rfind(dir + "/", 0) == 0) e.pos.file = e.pos.file.substr(dir.size() + 1);
      text += (text.empty() ? "" : "\n") + e.ToString();
    }
    return Fail(s, InvalidError(text));
  }
  store::ApplyOptions apply;
  apply.prune = true;
  apply.applyset = options_.applyset;
  auto outcomes = store_.Apply(parsed.objects, apply);
  if (!outcomes.ok()) return Fail(s, Status(outcomes.status().code(), "apply: " + outcomes.status().message()));
  bool wrote = false;
  for (const auto& o : *outcomes) {
    if (o.action == store::ApplyAction::kUnchanged) continue;
    wrote = true;
    report_(specs::ResourceName(o.key.kind) + "/" + o.key.name + " " + store::ToString(o.action));
  }
  s.revision = *head;
  s.applied_time = s.time;
  s.outcome = controller::kSyncSynced;
  s.error.clear();
  s.failed_revision.clear();
  s.failures = 0;
  s.objects = static_cast<int>(parsed.objects.size());
  last_ = s;
  report_("sync " + options_.applyset + " applied " + head->substr(0, 12));
  if (wrote && on_applied_) on_applied_();
  return controller::SaveSyncStatus(store_, s);
}

void GitSync::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

Status GitSync::Trigger() {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable() || stopping_) return UnavailableError("the git sync is not running");
  triggered_ = true;
  wake_.notify_all();
  return Status::Ok();
}

void GitSync::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void GitSync::Loop() {
  while (true) {
    bool active = !options_.active || options_.active();
    if (active) (void)SyncOnce();
    Millis delay = active ? NextDelay(options_.interval, options_.max_backoff, last_.failures)
                          : std::min<Millis>(options_.interval, std::chrono::seconds(1));
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, delay, [this] { return stopping_ || triggered_; });
    if (stopping_) return;
    triggered_ = false;
  }
}

}  // namespace sesame::cli
