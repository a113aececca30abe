#pragma once
// The controller: one leader per database (a lease row with expiry; a
// second controller waits as a standby and takes over when the leader
// stops renewing), a change watcher that turns store writes (from this or
// any other process, woken by the store's change signal) into work-queue
// keys at once, skipping writes of status alone (this controller's own), a
// periodic resync that looks at every object and collects orphans, and N
// workers running the reconciler.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "common/mutex.h"
#include "common/status.h"
#include "common/time.h"
#include "controller/metrics.h"
#include "controller/work_queue.h"
#include "controller/worker_pool.h"
#include "reconcilers/pool_reconciler.h"
#include "reconcilers/sandbox_reconciler.h"
#include "store/store.h"

namespace sesame::controller {

struct ManagerOptions {
  int workers = 4;
  Millis resync_period = std::chrono::seconds(30);
  Millis lease_duration = std::chrono::seconds(10);
  std::string lease_holder;  // empty: hostname:pid
  // Called with one line per notable event (leadership, resync results).
  std::function<void(const std::string&)> log;
  // Called with one line per failed reconcile (warning) and per reconcile
  // (debug: key, result, duration). Either may be empty.
  std::function<void(const std::string&)> log_warning;
  std::function<void(const std::string&)> log_debug;
};

class Manager {
 public:
  Manager(store::Store& store, reconcilers::SandboxReconciler& reconciler, ManagerOptions options);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Blocks: waits for the lease, then reconciles until Stop(); a leader that
  // loses its lease goes back to standby. Returns an error only for store
  // failures it cannot recover from.
  Status Run();
  // Thread-safe; Run() returns soon after.
  void Stop();
  bool IsLeader() const { return leader_; }
  // Tells the watcher to look at the change log now (the store already
  // wakes it after every write; kept for callers that want to be sure).
  void Notify();
  // The process's metrics: the manager registers sesame_reconciles_total
  // {result}, sesame_reconcile_duration_seconds and sesame_workqueue_depth;
  // the API server adds its own. Lives as long as the manager.
  Metrics& metrics() { return metrics_; }

  // "Sandbox/ns/name" <-> key.
  static std::string KeyString(const specs::ObjectKey& key);
  static std::optional<specs::ObjectKey> ParseKeyString(const std::string& text);

 private:
  bool WaitForLease();
  void Lead();
  WorkQueue& queue();
  void EnqueueAll();
  void EnqueueChanges(int64_t& seen_version);
  // Whether a change of a Sandbox needs a reconcile: anything but its
  // status (which only reconciles write) changed since the last one seen.
  bool NeedsReconcile(const store::WatchEvent& change);
  void Resync();
  void Log(const std::string& line);
  ReconcileResult ReconcileKey(const std::string& key);
  void Observe(const std::string& key, const ReconcileResult& result);
  // A provider saw the resource of `key` change: reconcile it now.
  void OnProviderChange(const specs::ObjectKey& key);

  store::Store& store_;
  reconcilers::SandboxReconciler& reconciler_;
  // SandboxPools and SandboxQuotas, on the same queue and workers.
  reconcilers::PoolReconciler pools_;
  ManagerOptions options_;
  // A fresh queue for each term as leader (a shut-down queue stays down).
  std::unique_ptr<WorkQueue> queue_ GUARDED_BY(mutex_);
  // Reconciles since memory was last given back (see Lead).
  std::atomic<uint64_t> reconciled_since_release_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> leader_{false};
  Mutex mutex_;
  // A fingerprint of what a reconcile reads of each Sandbox besides its
  // status (uid, generation, metadata), by key; only the watcher thread
  // uses it.
  std::unordered_map<std::string, uint64_t> seen_meta_;
  Metrics metrics_;
  Counter& reconciles_;
  Histogram& reconcile_seconds_;
  // The last error logged per key: the same error again (a missing image
  // at every resync) goes to the debug log, a new one or a recovery is
  // logged once.
  Mutex errors_mutex_;
  std::map<std::string, std::string> last_errors_ GUARDED_BY(errors_mutex_);
};

}  // namespace sesame::controller
