#pragma once
// The desired-state store: objects, events and the change log in one SQLite
// database (WAL mode), shared safely by several processes (a CLI and a
// controller): every write is one short IMMEDIATE transaction with a busy
// timeout, and optimistic concurrency through resourceVersion.
//
// Thread safety: a Store may be used from several threads; calls serialize
// on an internal mutex (one SQLite connection per Store).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "specs/object.h"
#include "store/selector.h"

namespace sesame::store {

using specs::Object;
using specs::ObjectKey;

// Schema version this binary writes; a database with a newer one is refused.
inline constexpr int kSchemaVersion = 3;

// Violations kept per sandbox; older ones are dropped (and counted).
inline constexpr int64_t kMaxViolationsPerSandbox = 1000;

struct ListOptions {
  std::string kind;        // required
  std::string namespace_;  // empty: all namespaces
  Selector selector;       // empty: everything
  std::string name = "";   // empty: every name (else at most one object)
};

struct ApplyOptions {
  bool dry_run = false;
  // With prune: objects carrying the applyset annotation `applyset` that are
  // not in the input are deleted.
  bool prune = false;
  // The applyset the objects join. An object already in another applyset
  // is refused (kConflict) unless `force_conflicts`; without `applyset`, an
  // object keeps the applyset it is in.
  std::string applyset;
  bool force_conflicts = false;
};

enum class ApplyAction { kCreated, kConfigured, kUnchanged, kPruned };
const char* ToString(ApplyAction a);  // "created", "configured", "unchanged", "pruned"

struct ApplyOutcome {
  ObjectKey key;
  ApplyAction action;
  Object object;  // the object as stored after the apply (or as it would be)
};

struct Event {
  int64_t id = 0;
  ObjectKey object;
  std::string object_uid;
  std::string type = "Normal";  // Normal | Warning
  std::string reason;
  std::string message;
  int64_t count = 1;
  Time first_timestamp{};
  Time last_timestamp{};
};

struct EventFilter {
  std::string namespace_;  // empty: all
  std::optional<ObjectKey> object;
  size_t limit = 500;      // newest first when limited
};

// A blocked attempt inside a sandbox: a network connection, a file write,
// a syscall.
struct Violation {
  int64_t id = 0;            // set by the store: increasing, the watch position
  ObjectKey sandbox;
  std::string sandbox_uid;
  int64_t seq = 0;           // the sandbox's own sequence number (dedup)
  Time time{};
  std::string kind;          // network | filesystem | syscall
  std::string operation;     // connect, write, socket(AF_NETLINK), ...
  std::string target;        // host:port, path, ...
  std::string rule;          // the rule that blocked it
};

struct ViolationFilter {
  std::string namespace_;  // empty: all
  std::string name;        // empty: every sandbox
  int64_t after_id = 0;    // only newer than this
  size_t limit = 1000;     // oldest first
};

struct ViolationTotal {
  std::string kind;
  int64_t recorded = 0;  // ever, including those dropped since
  int64_t dropped = 0;   // dropped to keep kMaxViolationsPerSandbox
};

enum class WatchType { kAdded, kModified, kDeleted };
const char* ToString(WatchType t);  // "ADDED", "MODIFIED", "DELETED"

struct WatchEvent {
  int64_t resource_version = 0;
  WatchType type;
  Object object;  // for DELETED: the last state
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating and migrating) the database at `path`.
  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             const Clock& clock = Clock::Real());

  virtual Result<Object> Get(const ObjectKey& key) = 0;
  virtual Result<std::vector<Object>> List(const ListOptions& options) = 0;
  // The same objects as List, as the API's JSON text (specs/object_json_text.h),
  // written straight from the stored columns: spec and status are copied,
  // not decoded; only labels are decoded, and only for a selector.
  // `on_item` gets each object's text in list order (valid during the
  // call). Returns the resourceVersion the list is at (read in the same
  // transaction).
  virtual Result<int64_t> ListJson(const ListOptions& options,
                                   const std::function<void(std::string_view json)>& on_item) = 0;
  // The newest resourceVersion written (the global counter).
  virtual Result<int64_t> CurrentResourceVersion() = 0;

  // Creates or updates every object of `objects` in one transaction: all or
  // nothing. New objects get uid, generation 1, creationTimestamp and, for a
  // Sandbox, the provider-cleanup finalizer. An unchanged object is not
  // written. generation is bumped only when the spec changes. An object whose
  // metadata.resourceVersion is set and stale fails the whole apply with
  // kConflict. Objects being deleted cannot be applied (kConflict).
  virtual Result<std::vector<ApplyOutcome>> Apply(const std::vector<Object>& objects,
                                                  const ApplyOptions& options) = 0;

  // Replaces metadata (labels, annotations, finalizers) and spec of an
  // existing object; a non-zero metadata.resource_version must match
  // (kConflict otherwise). When the object is being deleted and no
  // finalizers remain, the row is removed.
  virtual Result<Object> Update(const Object& object) = 0;
  // Writes only the status (and never bumps generation); same conflict rule.
  virtual Result<Object> UpdateStatus(const Object& object) = 0;
  // Marks the object deleted: with finalizers it gets a deletionTimestamp
  // and stays until they are removed; without, the row is removed.
  // `resource_version` (non-zero) is a precondition.
  virtual Status Delete(const ObjectKey& key, int64_t resource_version = 0) = 0;

  // Records an event, merging it into an existing one with the same object,
  // type, reason and message (count + 1, lastTimestamp updated).
  virtual Status RecordEvent(const Event& event) = 0;
  virtual Result<std::vector<Event>> ListEvents(const EventFilter& filter) = 0;

  // Changes with resourceVersion > `after`, oldest first, at most `limit`.
  // kNotFound ("too old") when `after` is older than the retained log.
  virtual Result<std::vector<WatchEvent>> ChangesSince(int64_t after, size_t limit) = 0;

  // Leader election between processes sharing the database: takes the lease
  // `name` for `holder` until now + `duration` when it is free, expired, or
  // already `holder`'s (a renewal). Returns whether `holder` holds it now.
  virtual Result<bool> TryAcquireLease(const std::string& name, const std::string& holder,
                                       Millis duration) = 0;
  // Gives the lease up at once if `holder` holds it.
  virtual Status ReleaseLease(const std::string& name, const std::string& holder) = 0;

  // Stores violations, ignoring ones already stored (same uid and seq),
  // and drops the oldest beyond kMaxViolationsPerSandbox per sandbox.
  virtual Status RecordViolations(const std::vector<Violation>& violations) = 0;
  virtual Result<std::vector<Violation>> ListViolations(const ViolationFilter& filter) = 0;
  virtual Result<std::vector<ViolationTotal>> ViolationTotals() = 0;

  // Small named settings (JSON text), e.g. "sandbox-security".
  virtual Result<std::optional<std::string>> GetSetting(const std::string& name) = 0;
  virtual Status PutSetting(const std::string& name, const std::string& value) = 0;

  // A number that changes whenever another connection commits a write
  // (SQLite PRAGMA data_version).
  virtual Result<int64_t> DataVersion() = 0;

  // Waiting for writes without polling (store/change_signal.h): a number
  // that grows after every write committed by this process or, through a
  // socket next to the database that writers poke, by any other. Read it,
  // then read the state, then WaitForChange(it): no write is missed. The
  // first call starts listening.
  virtual uint64_t ChangeSequence() = 0;
  // Blocks until ChangeSequence() != `seen` or `timeout` passes; returns
  // the sequence.
  virtual uint64_t WaitForChange(uint64_t seen, Millis timeout) = 0;
  // Wakes this process's waiters as if something changed (to stop them).
  virtual void WakeWaiters() = 0;

  // Gives back the cache memory not in use right now (SQLite's page cache
  // refills as reads need it): after bulk work, so that what a large apply
  // or a full resync read does not stay resident.
  virtual void ReleaseMemory() {}
};

// $SESAME_HOME, or ~/.sesame.
std::string DefaultHome();
// DefaultHome() + "/state.db".
std::string DefaultDatabasePath();

}  // namespace sesame::store
