#pragma once
// Keeps a directory of manifests applied (`sesame up DIR`): each time a
// file in it changes (added, edited, removed), the whole directory is
// applied again with prune, so the store holds exactly what the directory
// declares. Between edits the store is compared with the directory on
// every change to the objects it owns and every `interval`; drift is
// reported and, with self-heal, applied away (cli/manifest_sync.h). The
// status shows in `sesame get syncs` (controller/sync_status.h). Invalid
// manifests are reported and nothing is applied until they are fixed.
//
// Thread safety: none; Poll is called from one thread.

#include <functional>
#include <string>
#include <vector>

#include "cli/manifest_sync.h"
#include "common/time.h"
#include "store/store.h"

namespace sesame::cli {

struct DirectorySyncOptions {
  std::string dir;
  bool recursive = false;
  std::string applyset;  // empty: ApplysetFor(dir)
  bool self_heal = true;
  Millis interval{std::chrono::seconds(30)};
};

class DirectorySync {
 public:
  // `report` receives one line per outcome or error; `on_applied` is called
  // after an apply that wrote something.
  DirectorySync(store::Store& store, DirectorySyncOptions options, std::function<void(const std::string&)> report,
                std::function<void()> on_applied);

  // Applies the directory if anything in it changed since the last call,
  // and otherwise compares the store with it when a change to the store or
  // the interval asks for it. Cheap when nothing happened.
  void Poll();

  // The applyset `sesame up DIR` uses: "up-" and the directory's name.
  static std::string ApplysetFor(const std::string& dir);
  // Manifests in DIR's subdirectories when DIR itself has none: what
  // `sesame up DIR` without -R would silently skip.
  static int ManifestsOnlyBelow(const std::string& dir);

 private:
  std::string Fingerprint() const;
  void Record();

  store::Store& store_;
  DirectorySyncOptions options_;
  std::function<void(const std::string&)> report_;
  ManifestSync sync_;
  specs::GitSyncStatus status_;
  std::string last_fingerprint_;
  int64_t seen_version_ = -1;
  std::chrono::steady_clock::time_point next_check_{};
};

}  // namespace sesame::cli
