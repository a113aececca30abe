#pragma once
// The recorded state of a GitOps sync: which repository, branch and path an
// applyset follows, the commit last applied, and how the last attempt went.
// Kept in the store as the setting "sync/<applyset>" (JSON), with the
// setting "syncs" listing the applysets, so that any process sharing the
// database (`sesame get syncs`, GET /v1/syncs) can read it.

#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "store/store.h"

namespace sesame::controller {

inline constexpr char kSyncSynced[] = "Synced";
inline constexpr char kSyncFailed[] = "Failed";

struct SyncStatus {
  std::string applyset;  // "git-fleet"
  std::string repo;
  std::string branch;
  std::string path;
  std::string revision;      // the commit last applied; empty before the first success
  Time applied_time{};       // when `revision` was applied
  std::string outcome;       // kSyncSynced or kSyncFailed
  Time time{};               // the last attempt
  std::string error;         // the last attempt's error (one line per problem); empty when Synced
  std::string failed_revision;  // the commit the last attempt failed on, when it got that far
  int failures = 0;          // consecutive failed attempts
  int objects = 0;           // objects the applied revision declares
};

// {"applyset","repo","branch","path","revision","appliedTime","outcome",
//  "time","error","failedRevision","failures","objects"}; times RFC 3339,
// absent when unset.
std::string SyncStatusToJson(const SyncStatus& s);
Result<SyncStatus> SyncStatusFromJson(const std::string& text);

// Writes "sync/<applyset>" and adds the applyset to "syncs".
Status SaveSyncStatus(store::Store& store, const SyncStatus& s);
// Every recorded sync, by applyset name.
Result<std::vector<SyncStatus>> ListSyncStatuses(store::Store& store);

}  // namespace sesame::controller
