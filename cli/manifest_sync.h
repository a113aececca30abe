#pragma once
// What a directory sync (`sesame up DIR`) and a GitSync share: a source's
// objects applied under one applyset, the store compared with them, and
// drift healed. The comparison is a dry-run apply, so what it reports as
// out of sync is exactly what the next apply changes: objects missing,
// modified (with the fields that differ) or extra (in the applyset, not in
// the source, when pruning).
//
// Thread safety: none; each sync owns one and calls it from one thread.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "specs/gitsync.h"
#include "store/store.h"

namespace sesame::cli {

struct ManifestSyncOptions {
  std::string applyset;
  bool prune = true;
  bool self_heal = true;
};

class ManifestSync {
 public:
  // `report` receives one line per object written and per drift found;
  // `on_applied` is called after an apply that wrote something.
  ManifestSync(store::Store& store, ManifestSyncOptions options,
               std::function<void(const std::string&)> report, std::function<void()> on_applied);

  // Applies a new source (a commit, an edited directory): on success the
  // status is Synced with the source's object count.
  Status ApplySource(std::vector<specs::Object> desired, specs::GitSyncStatus* status);

  // Compares the store with the last source applied. On drift the status
  // becomes OutOfSync with the objects and fields, `record` is called with
  // it, and with self-heal the source is applied again (the status back to
  // Synced). Without a source applied yet it does nothing.
  Status CheckDrift(specs::GitSyncStatus* status, const std::function<void(const specs::GitSyncStatus&)>& record);

  // Whether a store change may have made the store differ from the source
  // (a status-only write does not), and whether it may change the health.
  bool Concerns(const store::WatchEvent& change) const;
  bool ConcernsHealth(const store::WatchEvent& change) const;

  // Healthy (every sandbox of the source Ready or finished), Progressing,
  // Degraded (one Failed) or Unknown (no source yet).
  std::string Health();

  bool has_source() const { return has_source_; }
  const std::string& applyset() const { return options_.applyset; }

  // The dotted paths where two objects' labels, annotations and spec differ.
  static std::vector<std::string> ChangedFields(const specs::Object& live, const specs::Object& desired);

 private:
  Result<std::vector<specs::OutOfSyncObject>> FindDrift();
  Status Apply(const char* why);

  store::Store& store_;
  ManifestSyncOptions options_;
  std::function<void(const std::string&)> report_;
  std::function<void()> on_applied_;
  std::vector<specs::Object> desired_;
  // Labels, annotations and spec of each source object as applied.
  std::map<specs::ObjectKey, std::string> applied_;
  bool has_source_ = false;
};

}  // namespace sesame::cli
