#pragma once
// GitOps: one GitSync object (specs/gitsync.h) kept applied. Each sync
// fetches the branch into a cache clone ($SESAME_HOME/git/<hash>/repo.git),
// resolves its head, and when the head is new checks it out into a scratch
// directory, loads `path` (recursively) and applies it under the GitSync's
// applyset (with prune when spec.prune). When the head is the one applied,
// the store is compared with it instead (cli/manifest_sync.h): drift makes
// the sync OutOfSync and, with selfHeal, is applied away. Changes to the
// store (Notice) are compared as they come, between fetches.
//
// A failed fetch, checkout, parse or apply changes nothing and is recorded
// in the object's status with its error; successive failures back off (the
// interval doubling, up to 5 minutes), a success resets it.
//
// Thread safety: Start, Trigger, Notice and Stop may be called from any
// thread; SyncOnce and CheckDrift must not run concurrently with the loop.

#include <condition_variable>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cli/manifest_sync.h"
#include "common/mutex.h"
#include "common/status.h"
#include "common/time.h"
#include "specs/gitsync.h"
#include "store/store.h"

namespace sesame::cli {

// How a controller runs its GitSyncs.
struct GitSyncOptions {
  Millis max_backoff{std::chrono::minutes(5)};
  Millis git_timeout{std::chrono::minutes(2)};
  std::string cache_root;  // empty: $SESAME_HOME/git
};

class GitSync {
 public:
  // `report` receives one line per change applied and per error; it and
  // `on_applied` (called after an apply that wrote something) are called
  // from the sync loop's thread.
  GitSync(store::Store& store, specs::ObjectKey key, specs::GitSyncSpec spec, GitSyncOptions options,
          std::function<void(const std::string&)> report, std::function<void()> on_applied);
  ~GitSync();  // stops the loop
  GitSync(const GitSync&) = delete;
  GitSync& operator=(const GitSync&) = delete;

  // One fetch, then an apply of a new head or a comparison with the
  // applied one; recorded in the object's status. Ok when the store
  // matches the branch head (now or before); the error otherwise.
  Status SyncOnce();
  // A comparison with the applied head only (no fetch).
  Status CheckDrift();

  // Runs SyncOnce every interval (or later, backing off) on a thread, and
  // CheckDrift after changes Notice passed on.
  void Start();
  // Asks the loop for a sync now (the webhook, `sesame sync`).
  void Trigger();
  // A change to the store, from the controller's change feed.
  void Notice(const store::WatchEvent& change);
  void Stop();

  const std::string& applyset() const { return sync_.applyset(); }
  // "git-" and the repository's name: "git-fleet" for ".../fleet.git".
  static std::string NameFor(const std::string& repo);
  // The wait after `failures` consecutive failures.
  static Millis NextDelay(Millis interval, Millis max_backoff, int failures);

 private:
  Result<std::string> FetchHead();
  Status Export(const std::string& commit, const std::string& dir);
  Result<std::vector<specs::Object>> Load(const std::string& commit);
  Status Fail(specs::GitSyncStatus& s, const Status& error);
  // Writes the status to the object (when it changed) and an event.
  void Record(const specs::GitSyncStatus& s);
  // Drift found: an event, and the OutOfSync status when `record`.
  void OnDrift(const specs::GitSyncStatus& s, bool record);
  void Event(bool warning, const std::string& reason, const std::string& message);
  void Loop();

  store::Store& store_;
  specs::ObjectKey key_;
  specs::GitSyncSpec spec_;
  GitSyncOptions options_;
  std::function<void(const std::string&)> report_;
  std::string cache_;            // cache_root/<hash>
  ManifestSync sync_;            // only touched by the loop
  specs::GitSyncStatus status_;  // only touched by the loop

  Mutex mutex_;
  std::condition_variable_any wake_;
  bool triggered_ GUARDED_BY(mutex_) = false;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::vector<store::WatchEvent> changes_ GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace sesame::cli
