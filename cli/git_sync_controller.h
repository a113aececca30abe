#pragma once
// Runs every GitSync object of the store while this process leads: one
// GitSync (cli/git_sync.h) per object, started when the object appears,
// restarted when its spec changes, triggered when its
// "sesame.dev/sync-requested-at" annotation changes (`sesame sync`, the
// webhook), and stopped when it is deleted (the objects it applied stay).
// Every change to the store is passed to the syncs, which compare the
// objects they own with their source.
//
// Thread safety: Start and Stop may be called from any thread.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cli/git_sync.h"
#include "store/store.h"

namespace sesame::cli {

class GitSyncController {
 public:
  // `active` says whether this process leads (a standby runs no sync);
  // `report` and `on_applied` go to every GitSync.
  GitSyncController(store::Store& store, GitSyncOptions options, std::function<bool()> active,
                    std::function<void(const std::string&)> report, std::function<void()> on_applied);
  ~GitSyncController();
  GitSyncController(const GitSyncController&) = delete;
  GitSyncController& operator=(const GitSyncController&) = delete;

  void Start();
  void Stop();

 private:
  struct Entry {
    int64_t generation = 0;
    std::string requested;  // the sync-requested annotation last seen
    std::unique_ptr<GitSync> sync;
  };
  void Loop();
  void StartAll(int64_t* seen);
  void Follow(const specs::Object& gitsync);
  void StopAll();
  void RecordInvalid(const specs::Object& gitsync, const std::string& message);

  store::Store& store_;
  GitSyncOptions options_;
  std::function<bool()> active_;
  std::function<void(const std::string&)> report_;
  std::function<void()> on_applied_;
  std::map<specs::ObjectKey, Entry> syncs_;  // only touched by the loop
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace sesame::cli
