#include "cli/git_sync.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "cli/git_command.h"
#include "common/mutex.h"
#include "specs/gitsync.h"
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

// The status recorded on the object, when it has one.
specs::GitSyncStatus StoredStatus(store::Store& store, const specs::ObjectKey& key) {
  auto o = store.Get(key);
  if (!o.ok()) return {};
  auto s = specs::DecodeGitSyncStatus(o->status);
  return s.ok() ? *s : specs::GitSyncStatus{};
}

}  // namespace

GitSync::GitSync(store::Store& store, specs::ObjectKey key, specs::GitSyncSpec spec, GitSyncOptions options,
                 std::function<void(const std::string&)> report, std::function<void()> on_applied)
    : store_(store),
      key_(std::move(key)),
      spec_(std::move(spec)),
      options_(std::move(options)),
      report_(std::move(report)),
      sync_(store, {specs::GitSyncApplyset(key_.namespace_, key_.name), spec_.prune, spec_.self_heal}, report_,
            std::move(on_applied)) {
  if (options_.cache_root.empty()) options_.cache_root = store::DefaultHome() + "/git";
  // One cache per GitSync: two syncs of one repository never share a clone's locks.
  cache_ = options_.cache_root + "/" + HashOf(spec_.repo + "\n" + key_.namespace_ + "/" + key_.name);
  // Keep what an earlier run recorded (the revision applied), but apply the
  // head again once: the store may have drifted while nothing was running.
  status_ = StoredStatus(store_, key_);
}

GitSync::~GitSync() { Stop(); }

std::string GitSync::NameFor(const std::string& repo) {
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
  out = out.substr(0, 63);
  while (out.back() == '-') out.pop_back();
  return out;
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
  std::string ref = "refs/remotes/origin/" + spec_.branch;
  auto fetch = RunGit({{"--git-dir=" + repo_dir, "fetch", "--quiet", "--no-tags", "--force", "--prune", "--",
                        spec_.repo, "+refs/heads/" + spec_.branch + ":" + ref},
                       {},
                       options_.git_timeout});
  if (!fetch.ok()) return fetch.status();
  auto head = RunGit({{"--git-dir=" + repo_dir, "rev-parse", "--verify", "--quiet", ref + "^{commit}"},
                      {},
                      options_.git_timeout});
  if (!head.ok()) return UnavailableError("branch " + spec_.branch + " has no commit in " + spec_.repo);
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

Result<std::vector<specs::Object>> GitSync::Load(const std::string& commit) {
  std::string dir = cache_ + "/export-" + std::to_string(getpid());
  Status exported = Export(commit, dir);
  if (!exported.ok()) return exported;
  std::string root = (fs::path(dir) / spec_.path).lexically_normal().string();
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    fs::remove_all(dir, ec);
    return InvalidError("path \"" + spec_.path + "\" does not exist at " + commit.substr(0, 12));
  }
  auto parsed = specs::LoadManifests({root}, true);
  fs::remove_all(dir, ec);
  if (parsed.ok()) return std::move(parsed.objects);
  // Errors name files as they are in the repository.
  std::string text;
  for (auto e : parsed.errors) {
    if (e.pos.file.rfind(dir + "/", 0) == 0) e.pos.file = e.pos.file.substr(dir.size() + 1);
    text += (text.empty() ? "" : "\n") + e.ToString();
  }
  return InvalidError(text);
}

void GitSync::Event(bool warning, const std::string& reason, const std::string& message) {
  auto o = store_.Get(key_);
  if (!o.ok()) return;
  store::Event e;
  e.object = key_;
  e.object_uid = o->metadata.uid;
  e.type = warning ? "Warning" : "Normal";
  e.reason = reason;
  e.message = message;
  (void)store_.RecordEvent(e);
}

void GitSync::Record(const specs::GitSyncStatus& s) {
  auto o = store_.Get(key_);
  if (!o.ok()) return;  // deleted meanwhile
  specs::GitSyncStatus with = s;
  with.observed_generation = o->metadata.generation;
  std::string text = specs::EncodeGitSyncStatus(with);
  if (text == o->status) return;
  o->status = text;
  o->metadata.resource_version = 0;  // the status is ours alone
  (void)store_.UpdateStatus(*o);
}

void GitSync::OnDrift(const specs::GitSyncStatus& s, bool record) {
  Event(true, specs::kSyncOutOfSync, specs::DescribeOutOfSync(s.out_of_sync));
  // Recorded before any healing, so that a watcher of the object sees it.
  if (record) Record(s);
}

Status GitSync::Fail(specs::GitSyncStatus& s, const Status& error) {
  s.phase = specs::kSyncFailed;
  s.message = error.message();
  s.failures++;
  report_("sync " + key_.name + " failed (nothing changed): " + s.message);
  if (s.failures == 1) Event(true, specs::kSyncFailedReason, s.message);
  status_ = s;
  Record(s);
  return error;
}

Status GitSync::SyncOnce() {
  specs::GitSyncStatus s = status_;
  s.last_sync_time = Clock::Real().Now();
  auto head = FetchHead();
  if (!head.ok()) return Fail(s, head.status());
  if (*head != status_.revision || !sync_.has_source()) {
    s.failed_revision = *head;
    auto desired = Load(*head);
    if (!desired.ok()) return Fail(s, desired.status());
    Status applied = sync_.ApplySource(std::move(desired).value(), &s);
    if (!applied.ok()) return Fail(s, applied);
    if (*head != status_.revision) {
      report_("sync " + key_.name + " applied " + head->substr(0, 12));
      Event(false, specs::kSyncSynced, "applied " + head->substr(0, 12));
    }
    s.revision = *head;
  } else {
    Status checked = sync_.CheckDrift(&s, [this](const specs::GitSyncStatus& out) { OnDrift(out, true); });
    if (!checked.ok()) return Fail(s, checked);
  }
  s.failed_revision.clear();
  s.failures = 0;
  s.health = sync_.Health();
  status_ = s;
  Record(s);
  return Status::Ok();
}

Status GitSync::CheckDrift() {
  if (!sync_.has_source()) return Status::Ok();
  specs::GitSyncStatus s = status_;
  bool failing = s.phase == specs::kSyncFailed;
  Status checked = sync_.CheckDrift(&s, [this, failing](const specs::GitSyncStatus& out) { OnDrift(out, !failing); });
  if (failing) {
    // The newest commit failed: that stays the news, while the last good
    // one is kept applied.
    s.phase = status_.phase;
    s.message = status_.message;
  } else if (!checked.ok()) {
    return Fail(s, checked);
  }
  s.health = sync_.Health();
  status_ = s;
  Record(s);
  return checked;
}

void GitSync::Start() {
  MutexLock lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void GitSync::Trigger() {
  MutexLock lock(mutex_);
  triggered_ = true;
  wake_.notify_all();
}

void GitSync::Notice(const store::WatchEvent& change) {
  MutexLock lock(mutex_);
  changes_.push_back(change);
  wake_.notify_all();
}

void GitSync::Stop() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void GitSync::Loop() {
  auto next_fetch = std::chrono::steady_clock::now();
  while (true) {
    std::vector<store::WatchEvent> changes;
    bool fetch = false;
    {
      MutexLock lock(mutex_);
      lock.WaitUntil(wake_, next_fetch, [this] {
        mutex_.AssertHeld();  // WaitUntil calls this with the lock held
        return stopping_ || triggered_ || !changes_.empty();
      });
      if (stopping_) return;
      fetch = triggered_ || std::chrono::steady_clock::now() >= next_fetch;
      triggered_ = false;
      changes.swap(changes_);
    }
    if (fetch) {
      (void)SyncOnce();
      next_fetch = std::chrono::steady_clock::now() +
                   NextDelay(spec_.interval.value, options_.max_backoff, status_.failures);
      continue;
    }
    bool drift = false, health = false;
    for (const auto& c : changes) {
      drift = drift || sync_.Concerns(c);
      health = health || sync_.ConcernsHealth(c);
    }
    if (drift) {
      (void)CheckDrift();
    } else if (health) {
      specs::GitSyncStatus s = status_;
      s.health = sync_.Health();
      status_ = s;
      Record(s);
    }
  }
}

}  // namespace sesame::cli
