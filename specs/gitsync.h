#pragma once
// GitSync: a Git branch (or a directory of it) kept applied to the store,
// as DESIGN.md section 9 names it. The controller that leads runs every
// GitSync: it fetches the branch every `interval`, applies `path` under the
// GitSync's applyset, compares the live objects with the source at every
// interval and on every change to them, and with `selfHeal` re-applies what
// drifted. A directory sync (`sesame up DIR`) reports the same status.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "specs/object.h"
#include "specs/quantity.h"
#include "specs/validate_schema.h"

namespace sesame::specs {

inline constexpr char kKindGitSync[] = "GitSync";
// A directory kept applied by `sesame up DIR`: no object, but shown with
// the GitSyncs (controller/sync_status.h).
inline constexpr char kKindDirectorySync[] = "DirectorySync";
// The annotation `sesame sync` and the webhook set to ask for a sync now.
inline constexpr char kSyncRequestedAnnotation[] = "sesame.dev/sync-requested-at";

// Phases of GitSyncStatus.
inline constexpr char kSyncSynced[] = "Synced";
inline constexpr char kSyncOutOfSync[] = "OutOfSync";
inline constexpr char kSyncFailed[] = "Failed";
// Health of the sandboxes a sync applied (GitSyncStatus::health).
inline constexpr char kSyncHealthy[] = "Healthy";
inline constexpr char kSyncProgressing[] = "Progressing";
inline constexpr char kSyncDegraded[] = "Degraded";
inline constexpr char kSyncHealthUnknown[] = "Unknown";
// Why an object is out of sync (OutOfSyncObject::reason).
inline constexpr char kDriftMissing[] = "Missing";
inline constexpr char kDriftModified[] = "Modified";
inline constexpr char kDriftExtra[] = "Extra";
inline constexpr char kDriftDeleting[] = "Deleting";
// Reasons of a sync's events.
inline constexpr char kSyncFailedReason[] = "SyncFailed";

struct GitSyncSpec {
  std::string repo;  // a URL git understands, or a local path
  std::string branch = "main";
  std::string path = ".";  // a directory inside the repository, read recursively
  Duration interval{"30s", std::chrono::seconds(30)};
  bool prune = true;       // delete objects of the applyset that left the source
  bool self_heal = true;   // re-apply objects changed out of band
  bool operator==(const GitSyncSpec&) const = default;
};

// One object that differs from the source.
struct OutOfSyncObject {
  std::string kind;
  std::string namespace_;
  std::string name;
  std::string reason;               // Missing | Modified | Extra | Deleting
  std::vector<std::string> fields;  // Modified: "spec.command", "metadata.labels.team"
  bool operator==(const OutOfSyncObject&) const = default;
};

struct GitSyncStatus {
  std::string phase;            // Synced | OutOfSync | Failed; empty before the first sync
  std::string revision;         // the commit applied last (a directory: its fingerprint)
  std::string health;           // Healthy | Progressing | Degraded | Unknown: its sandboxes
  std::optional<Time> last_sync_time;  // the last comparison with the source
  std::string message;          // the last error, or what differs
  std::vector<OutOfSyncObject> out_of_sync;
  std::string failed_revision;  // the commit the last attempt failed on
  int failures = 0;             // consecutive failed attempts
  int objects = 0;              // objects the source declares
  int64_t observed_generation = 0;
  bool operator==(const GitSyncStatus&) const = default;
};

// The fields of a GitSync's spec, with their descriptions (validation,
// JSON Schema).
const Schema& GitSyncSpecSchema();

// The table cells of a GitSync or DirectorySync, one per column of
// ColumnsOf(kind) (specs/columns.h): name, source, path, revision, phase,
// health, last sync, message.
std::vector<std::string> GitSyncCells(const Object& o, Time now);

// Spec JSON (as stored) -> typed spec with defaults filled; checks what the
// schema cannot (interval at least 1s, a path without "..").
Result<GitSyncSpec> DecodeGitSyncSpec(std::string_view spec_json);
std::string EncodeGitSyncSpec(const GitSyncSpec& spec);
Result<GitSyncStatus> DecodeGitSyncStatus(std::string_view status_json);
std::string EncodeGitSyncStatus(const GitSyncStatus& status);

// "kind/namespace/name: fields" lines of an out-of-sync list, for messages.
std::string DescribeOutOfSync(const std::vector<OutOfSyncObject>& objects);

// The applyset a GitSync applies as: its name in the default namespace
// (what `up --git` always used), "NAMESPACE.NAME" elsewhere (a dot cannot
// appear in a name, so the two never collide).
std::string GitSyncApplyset(const std::string& namespace_, const std::string& name);

}  // namespace sesame::specs
