#pragma once
// The SQLite implementation of Store. Internal to store/ (and its tests,
// which shrink the retention limits through StoreOptions).

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "specs/pool.h"
#include "store/change_signal.h"
#include "store/object_row.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace sesame::store {

struct StoreOptions {
  // The change log keeps about this many newest entries...
  int64_t change_retention = 100000;
  // ...trimmed each time the resourceVersion counter crosses a multiple of
  // this, so that the DELETE runs once per many writes.
  int64_t change_prune_every = 1000;
  // Events beyond the newest `event_retention` are dropped once their last
  // occurrence is older than `event_max_age`; checked every
  // `event_prune_every` inserts.
  int64_t event_retention = 10000;
  Millis event_max_age = std::chrono::hours(1);
  int64_t event_prune_every = 100;
  int busy_timeout_ms = 10000;
  // How often a process waiting for changes also checks data_version, in
  // case a writer did not poke its socket (store/change_signal.h).
  Millis change_fallback_period = std::chrono::seconds(1);
};

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const Clock& clock,
                                               const StoreOptions& options);

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Database> db, const Clock& clock, const StoreOptions& options);

  Result<Object> Get(const ObjectKey& key) override;
  Result<std::vector<Object>> List(const ListOptions& options) override;
  Result<int64_t> ListJson(const ListOptions& options,
                           const std::function<void(std::string_view json)>& on_item) override;
  Result<int64_t> CurrentResourceVersion() override;
  Result<std::vector<ApplyOutcome>> Apply(const std::vector<Object>& objects,
                                          const ApplyOptions& options) override;
  Result<Object> Update(const Object& object) override;
  Result<Object> UpdateStatus(const Object& object) override;
  Status Delete(const ObjectKey& key, int64_t resource_version) override;
  Status RecordEvent(const Event& event) override;
  Result<std::vector<Event>> ListEvents(const EventFilter& filter) override;
  Result<std::vector<WatchEvent>> ChangesSince(int64_t after, size_t limit) override;
  Result<int64_t> DataVersion() override;
  Result<bool> TryAcquireLease(const std::string& name, const std::string& holder,
                               Millis duration) override;
  Status ReleaseLease(const std::string& name, const std::string& holder) override;
  Status RecordViolations(const std::vector<Violation>& violations) override;
  Result<std::vector<Violation>> ListViolations(const ViolationFilter& filter) override;
  Result<std::vector<ViolationTotal>> ViolationTotals() override;
  Result<std::optional<std::string>> GetSetting(const std::string& name) override;
  Status PutSetting(const std::string& name, const std::string& value) override;
  uint64_t ChangeSequence() override { return signal_->Sequence(); }
  uint64_t WaitForChange(uint64_t seen, Millis timeout) override { return signal_->Wait(seen, timeout); }
  void WakeWaiters() override { signal_->Wake(); }
  void ReleaseMemory() override;

 private:
  // Hands out resourceVersions inside one write transaction; the counter
  // row is written once, at the end (Finish), not once per object.
  struct Versions {
    int64_t start = 0;
    int64_t current = 0;
    int64_t Next() { return ++current; }
  };

  // All of the following require mutex_ held and a transaction open.
  Result<std::optional<Object>> ReadObject(const ObjectKey& key) REQUIRES(mutex_);
  Result<Versions> BeginVersions() REQUIRES(mutex_);
  Status FinishVersions(const Versions& v) REQUIRES(mutex_);
  // Upserts the row and logs the change; `o.metadata.resource_version`
  // must already be the new version. A creation logs an empty object: the
  // entry stands for the row itself (change_log.cc), so that a bulk apply
  // writes each object once.
  Status WriteObject(const Object& o, WatchType type) REQUIRES(mutex_);
  // Removes the row and logs DELETED with `last` (carrying the new version).
  Status RemoveObject(const Object& last) REQUIRES(mutex_);
  // Before the row of `key` is overwritten or removed: when its current
  // version is logged as an empty object (a creation), copies the row into
  // that log entry, so the entry keeps the object as it was.
  Status KeepLoggedState(const ObjectKey& key) REQUIRES(mutex_);
  // Delete semantics shared by Delete and prune: with finalizers, sets the
  // deletionTimestamp (once); without, removes the row. Returns the object
  // as it is afterwards; `*changed` tells whether anything was written.
  Result<Object> MarkDeleted(Object existing, Versions& v, bool* changed) REQUIRES(mutex_);
  // The object of a change log entry that stands for the row (a creation's).
  Result<Object> LoggedRow(const ObjectKey& key, int64_t version) REQUIRES(mutex_);
  Status PruneChangeLog(int64_t newest) REQUIRES(mutex_);
  Status PruneEvents(int64_t now_ms) REQUIRES(mutex_);

  // Apply's steps (apply.cc). A group is a kind and a namespace;
  // `known_new` says the object's group held no object when the apply began.
  using Group = std::pair<std::string, std::string>;
  Result<std::set<Group>> EmptyGroups(const std::vector<Object>& objects) REQUIRES(mutex_);
  Result<ApplyOutcome> ApplyOne(const Object& input, const ApplyOptions& options, bool known_new,
                                Versions& v) REQUIRES(mutex_);
  Status PruneApplyset(const std::vector<Object>& objects, const ApplyOptions& options,
                       Versions& v, std::vector<ApplyOutcome>& outcomes) REQUIRES(mutex_);

  // Pools (claim.cc): a new Sandbox with spec.poolRef takes a Ready warm
  // sandbox's uid and removes its row, or records why it could not.
  Status ClaimWarm(Object& created, Versions& v) REQUIRES(mutex_);
  Result<std::vector<std::string>> WarmCandidates(const std::string& namespace_, const std::string& pool) REQUIRES(mutex_);

  // Quotas (quota.cc): usage of the namespaces a write touches that have a
  // quota, measured before the write, then checked after it.
  using QuotaBaseline = std::map<std::string, specs::QuotaAmounts>;
  Result<QuotaBaseline> BeginQuotaCheck(const std::vector<Object>& objects) REQUIRES(mutex_);
  Status FinishQuotaCheck(const QuotaBaseline& baseline) REQUIRES(mutex_);
  Result<specs::QuotaAmounts> UsageUnlocked(const std::string& namespace_) REQUIRES(mutex_);
  // The objects of `options`, in namespace and name order.
  Result<std::vector<Object>> ListUnlocked(const ListOptions& options) REQUIRES(mutex_);
  // Selects the rows of `options` (kind, namespace, name; not the selector).
  Result<StatementRef> PrepareList(const ListOptions& options) REQUIRES(mutex_);

  Mutex mutex_;
  std::unique_ptr<Database> db_ GUARDED_BY(mutex_);
  // Reused encoding buffers for WriteObject: saves four allocations per
  // object on large applies.
  EncodedFields scratch_fields_ GUARDED_BY(mutex_);
  std::string scratch_blob_ GUARDED_BY(mutex_);
  const Clock& clock_;
  const StoreOptions options_;
  // Last: stopped before the connection it polls goes away.
  std::unique_ptr<ChangeSignal> signal_;
};

// "sandbox/NAME" (plus the namespace when it is not the default one), for
// error messages.
std::string DisplayName(const ObjectKey& key);

}  // namespace sesame::store
