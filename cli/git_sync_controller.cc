#include "cli/git_sync_controller.h"

namespace sesame::cli {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(200);

std::string RequestedAt(const specs::Object& o) {
  auto it = o.metadata.annotations.find(specs::kSyncRequestedAnnotation);
  return it == o.metadata.annotations.end() ? "" : it->second;
}

}  // namespace

GitSyncController::GitSyncController(store::Store& store, GitSyncOptions options, std::function<bool()> active,
                                     std::function<void(const std::string&)> report,
                                     std::function<void()> on_applied)
    : store_(store),
      options_(std::move(options)),
      active_(std::move(active)),
      report_(std::move(report)),
      on_applied_(std::move(on_applied)) {}

GitSyncController::~GitSyncController() { Stop(); }

void GitSyncController::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void GitSyncController::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void GitSyncController::StopAll() { syncs_.clear(); }

void GitSyncController::RecordInvalid(const specs::Object& gitsync, const std::string& message) {
  auto o = store_.Get(specs::KeyOf(gitsync));
  if (!o.ok()) return;
  specs::GitSyncStatus s;
  auto old = specs::DecodeGitSyncStatus(o->status);
  if (old.ok()) s = *old;
  s.phase = specs::kSyncFailed;
  s.message = message;
  s.observed_generation = o->metadata.generation;
  std::string text = specs::EncodeGitSyncStatus(s);
  if (text == o->status) return;
  o->status = text;
  o->metadata.resource_version = 0;
  (void)store_.UpdateStatus(*o);
  report_("gitsync/" + o->metadata.name + ": " + message);
}

void GitSyncController::Follow(const specs::Object& gitsync) {
  specs::ObjectKey key = specs::KeyOf(gitsync);
  auto it = syncs_.find(key);
  if (gitsync.metadata.deletion_timestamp) {
    if (it != syncs_.end()) syncs_.erase(it);
    return;
  }
  if (it != syncs_.end() && it->second.generation == gitsync.metadata.generation) {
    std::string requested = RequestedAt(gitsync);
    if (requested != it->second.requested) {
      it->second.requested = requested;
      if (it->second.sync) it->second.sync->Trigger();
    }
    return;
  }
  if (it != syncs_.end()) syncs_.erase(it);  // stops the old one first
  Entry entry;
  entry.generation = gitsync.metadata.generation;
  entry.requested = RequestedAt(gitsync);
  auto spec = specs::DecodeGitSyncSpec(gitsync.spec);
  if (!spec.ok()) {
    RecordInvalid(gitsync, spec.status().message());
  } else {
    entry.sync = std::make_unique<GitSync>(store_, key, *spec, options_, report_, on_applied_);
    entry.sync->Start();
  }
  syncs_[key] = std::move(entry);
}

void GitSyncController::StartAll(int64_t* seen) {
  auto rv = store_.CurrentResourceVersion();
  auto list = store_.List({specs::kKindGitSync, "", {}});
  if (!rv.ok() || !list.ok()) return;
  *seen = *rv;
  for (const auto& o : *list) Follow(o);
}

void GitSyncController::Loop() {
  bool leading = false;
  int64_t seen = 0;
  while (!stopping_) {
    std::this_thread::sleep_for(kPollInterval);
    if (!active_ || !active_()) {
      if (leading) StopAll();
      leading = false;
      continue;
    }
    if (!leading) {
      StartAll(&seen);
      leading = true;
      continue;
    }
    auto changes = store_.ChangesSince(seen, 1000);
    if (!changes.ok()) {
      // The log no longer reaches back that far: look at everything again.
      StopAll();
      StartAll(&seen);
      continue;
    }
    for (const auto& c : *changes) {
      seen = c.resource_version;
      if (c.object.kind == specs::kKindGitSync) {
        if (c.type == store::WatchType::kDeleted) {
          syncs_.erase(specs::KeyOf(c.object));
        } else {
          Follow(c.object);
        }
      }
      for (auto& [key, entry] : syncs_) {
        if (entry.sync) entry.sync->Notice(c);
      }
    }
  }
  StopAll();
}

}  // namespace sesame::cli
