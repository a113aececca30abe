#pragma once
// Reads the violations.jsonl files (security/violation_log.h) that the
// sandboxes of one provider keep under a common root, one directory per
// sandbox named by its uid (<root>/<uid>/violations.jsonl), returning only
// the records not returned before (by sequence number; a log drops its
// oldest lines when full). Used by every provider that hosts the filtering
// proxy on this machine (filesystem, docker).
//
// Drain is called a few times a second; at rest it touches no file: the
// root and each sandbox directory are watched with inotify, and the
// directories are read again only after something in them changed.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "providers/provider.h"

namespace sesame::providers {

class ViolationFileReader {
 public:
  // The object a sandbox directory belongs to; nullopt skips the directory
  // for now (a sandbox being created or deleted).
  using KeyOf = std::function<std::optional<specs::ObjectKey>(const std::string& dir)>;

  ViolationFileReader(std::string state_root, KeyOf key_of)
      : state_root_(std::move(state_root)), key_of_(std::move(key_of)) {}
  ~ViolationFileReader();
  ViolationFileReader(const ViolationFileReader&) = delete;
  ViolationFileReader& operator=(const ViolationFileReader&) = delete;

  // Thread-safe.
  Result<std::vector<ViolationRecord>> Drain() EXCLUDES(mutex_);

 private:
  struct Seen {
    int64_t size = -1;  // the file's size when last read: unchanged files are skipped
    int64_t seq = 0;    // the newest sequence number returned
  };

  // Whether anything changed under the root since the last call (true
  // when that cannot be known: no inotify, or a watch that failed).
  bool Changed() REQUIRES(mutex_);
  // Reads every sandbox's file (the work Drain did on every call before).
  std::vector<ViolationRecord> Scan() REQUIRES(mutex_);

  const std::string state_root_;
  const KeyOf key_of_;
  Mutex mutex_;
  std::map<std::string, Seen> seen_ GUARDED_BY(mutex_);  // by uid
  int inotify_ GUARDED_BY(mutex_) = -1;
  bool root_watched_ GUARDED_BY(mutex_) = false;
  bool ancestor_watched_ GUARDED_BY(mutex_) = false;  // a directory above the missing root
};

}  // namespace sesame::providers
