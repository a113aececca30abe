#pragma once
// What the provider learns about a container after creating it and cannot
// put in its labels (labels are fixed at create): the field hashes of
// in-place updates, the resource limits they applied, the last exec or
// attach (for lifetime.idleTimeout), and the object that claimed a warm
// container.
//
// Records are kept in memory and, when a root directory is given, in
// <root>/<uid>.json (written atomically), so that a restarted controller
// still knows them. A record belongs to one container id: a record of
// another container (the uid was recreated) is ignored. Losing a record is
// harmless: the labels' create-time hashes come back, and the controller
// applies the in-place update again.
//
// Thread-safe.

#include <map>
#include <optional>
#include <string>

#include "common/mutex.h"
#include "common/status.h"
#include "common/time.h"
#include "specs/object.h"

namespace sesame::providers::docker {

struct ContainerRecord {
  std::string container_id;
  // In-place field hashes ("resources", "lifetime") applied after create.
  std::map<std::string, std::string> field_hashes;
  // The resource limits last applied (LimitsJson of container_config.h);
  // empty: the ones in the create-time label.
  std::string applied_resources;
  std::optional<Time> last_activity;
  // A pool's warm container whose session a claim started: the claiming
  // object (its labels still name the warm one, and carry the warm
  // marker, which the observed hashes then leave out).
  std::optional<specs::ObjectKey> claimed_by;
  // Restart ended a run of this container's command: the run before the
  // current one wrote the log entries after `previous_run_after` (log
  // time in nanoseconds; none: from the start) up to `run_log_end` (the
  // last entry's time when it ended; none: the log was empty).
  bool restarted = false;
  std::optional<int64_t> previous_run_after;
  std::optional<int64_t> run_log_end;
};

class StateStore {
 public:
  // `root` empty: memory only.
  explicit StateStore(std::string root);

  // The record of `uid` when it belongs to `container_id`.
  std::optional<ContainerRecord> Get(const std::string& uid, const std::string& container_id);
  Status Put(const std::string& uid, const ContainerRecord& record);
  void Remove(const std::string& uid);
  // The claiming object of `uid`'s container, whichever container it is.
  std::optional<specs::ObjectKey> ClaimedBy(const std::string& uid);

 private:
  std::string PathOf(const std::string& uid) const;
  std::optional<ContainerRecord> Load(const std::string& uid) const;

  const std::string root_;
  Mutex mutex_;
  std::map<std::string, ContainerRecord> records_ GUARDED_BY(mutex_);
};

}  // namespace sesame::providers::docker
