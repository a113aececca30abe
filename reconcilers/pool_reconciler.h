#pragma once
// Reconciles SandboxPools and SandboxQuotas by key (specs/pool.h).
//
// A pool keeps spec.replicas warm sandboxes: Sandbox objects labelled with
// the pool, made from its template without a command, which the Sandbox
// reconciler creates like any other (so they are real provider resources,
// RuntimeReady when the template installs runtimes). Warm ones of an older
// template are replaced; warm + claimed stays within spec.maxReplicas; a
// quota that refuses more leaves the pool short, with QuotaExceeded. The
// claim itself happens in the store (store/claim.cc).
//
// A claim being started comes first: while a sandbox that claimed one of
// the pool's warm sandboxes has no status yet (its session is being
// started), the pool makes no new warm sandboxes, so that the refill (a
// whole sandbox made: processes, namespaces, a container and its guard)
// does not compete with the claim for the host. The claim's status write
// wakes the pool; kMaxRefillDeferral bounds the wait for claims that keep
// coming.
//
// A quota's status.used is recomputed from the namespace's sandboxes; the
// limit itself is enforced by the store on every write.
//
// Thread safety: Reconcile may run on several threads for different keys.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/time.h"
#include "reconcilers/sandbox_reconciler.h"
#include "specs/object.h"
#include "store/store.h"

namespace sesame::reconcilers {

// One pool's figures, for metrics.
struct PoolFigures {
  std::string namespace_, name;
  int64_t warm = 0, claimed = 0, replicas = 0;
};

inline constexpr Millis kMaxRefillDeferral{2000};

class PoolReconciler {
 public:
  PoolReconciler(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The kinds Reconcile takes: SandboxPool and SandboxQuota.
  static const std::vector<std::string>& Kinds();
  static bool Handles(const std::string& kind);

  ReconcileOutcome Reconcile(const specs::ObjectKey& key);

  // The pools and quotas a change of `changed` (any kind) concerns: a warm
  // or claiming sandbox's pool, and the quotas of its namespace.
  std::vector<specs::ObjectKey> Related(const specs::Object& changed);

  // Called once per sandbox with poolRef seen by a pool: "claimed" or
  // "fallback". For metrics; set before the manager starts.
  void OnClaim(std::function<void(const std::string& namespace_, const std::string& pool,
                                  const std::string& result)> f) {
    on_claim_ = std::move(f);
  }
  // The last figures of every pool reconciled.
  std::vector<PoolFigures> Figures() const;

 private:
  ReconcileOutcome ReconcilePool(const specs::ObjectKey& key);
  ReconcileOutcome ReconcileQuota(const specs::ObjectKey& key);
  void CountClaims(const specs::ObjectKey& pool, const std::vector<specs::Object>& claiming);
  // How long the pool's refill waits for the claims among `claiming` that
  // are being started; nullopt: refill now.
  std::optional<Millis> RefillDeferral(const specs::ObjectKey& pool, const std::vector<specs::Object>& claiming);
  void RecordEvent(const specs::Object& object, bool warning, const std::string& reason,
                   const std::string& message);

  store::Store& store_;
  const Clock& clock_;
  std::function<void(const std::string&, const std::string&, const std::string&)> on_claim_;
  mutable Mutex mutex_;
  std::map<std::string, PoolFigures> figures_ GUARDED_BY(mutex_);  // by pool key
  std::map<std::string, std::set<std::string>> counted_ GUARDED_BY(mutex_);  // uids counted per pool
  std::map<std::string, Time> deferred_since_ GUARDED_BY(mutex_);  // pools whose refill waits
};

}  // namespace sesame::reconcilers
