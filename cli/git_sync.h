#pragma once
// GitOps: keeps the store equal to a directory of a Git repository's
// branch. Each sync fetches the branch into a cache clone
// ($SESAME_HOME/git/<hash of the URL>/repo.git), resolves its head commit,
// checks that commit out into a scratch directory, loads `path` (recursively)
// and applies it with prune under one applyset. A failed fetch, checkout,
// parse or apply changes nothing and is recorded (controller/sync_status.h)
// with its error; successive failures back off (the interval doubling, up to
// 5 minutes), a success resets it. A head already applied is not applied
// again.
//
// Thread safety: Start, Trigger and Stop may be called from any thread;
// SyncOnce must not run concurrently with the loop Start runs.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "common/time.h"
#include "controller/sync_status.h"
#include "store/store.h"

namespace sesame::cli {

struct GitSyncOptions {
  std::string repo;             // a URL git understands, or a local path
  std::string branch = "main";
  std::string path = ".";       // inside the repository
  std::string applyset;         // empty: ApplysetFor(repo)
  Millis interval{std::chrono::seconds(30)};
  Millis max_backoff{std::chrono::minutes(5)};
  Millis git_timeout{std::chrono::minutes(2)};
  std::string cache_root;       // empty: $SESAME_HOME/git
  // When set and false, the loop does not sync (a standby controller).
  std::function<bool()> active;
};

class GitSync {
 public:
  // `report` receives one line per change applied and per error; it and
  // `on_applied` (called after an apply that wrote something) are called
  // from the sync loop's thread.
  GitSync(store::Store& store, GitSyncOptions options, std::function<void(const std::string&)> report,
          std::function<void()> on_applied);
  ~GitSync();  // stops the loop
  GitSync(const GitSync&) = delete;
  GitSync& operator=(const GitSync&) = delete;

  // One attempt, recorded in the store. Ok when the branch head is applied
  // (now or before); the error otherwise.
  Status SyncOnce();

  // Runs SyncOnce every interval (or later, backing off) on a thread.
  void Start();
  // Asks the loop for a sync now (the webhook).
  Status Trigger();
  void Stop();

  const std::string& applyset() const { return options_.applyset; }
  // "git-" and the repository's name: "git-fleet" for ".../fleet.git".
  static std::string ApplysetFor(const std::string& repo);
  // The wait after `failures` consecutive failures.
  static Millis NextDelay(Millis interval, Millis max_backoff, int failures);

 private:
  Result<std::string> FetchHead();
  Status Export(const std::string& commit, const std::string& dir);
  Status Fail(controller::SyncStatus& s, const Status& error);
  void Loop();

  store::Store& store_;
  GitSyncOptions options_;
  std::function<void(const std::string&)> report_;
  std::function<void()> on_applied_;
  std::string cache_;  // cache_root/<hash>
  controller::SyncStatus last_;  // only touched by SyncOnce

  std::mutex mutex_;
  std::condition_variable wake_;
  bool triggered_ = false;  // Guarded by mutex_.
  bool stopping_ = false;   // Guarded by mutex_.
  std::thread thread_;
};

}  // namespace sesame::cli
