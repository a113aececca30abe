#pragma once
// N worker threads that take keys from a WorkQueue and reconcile them, with
// controller-runtime's handling of the outcome:
//
//   kRetry      -> AddRateLimited(key, retry_after): retry with backoff.
//   kTerminal   -> Forget(key): not retried (retrying would not help).
//   kDone       -> Forget(key): the backoff starts afresh next time.
//   requeue_after (with kDone or kTerminal)
//               -> also AddAfter(key, *requeue_after), for a deadline such
//                  as an expiry. Ignored with kRetry, whose backoff decides.
//
// The key is marked Done() after its outcome has been recorded, so an add
// that arrived during the reconcile runs it again afterwards.

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/time.h"
#include "controller/work_queue.h"

namespace sesame::controller {

struct ReconcileResult {
  enum Outcome { kDone, kRetry, kTerminal };

  Outcome outcome = kDone;
  // Reconcile the key again after this long (a deadline, not a failure).
  std::optional<Millis> requeue_after;
  // With kRetry: retry no sooner than this (a Retry-After hint).
  std::optional<Millis> retry_after;
  // With kRetry or kTerminal: what went wrong, for logs and events.
  std::string error;

  static ReconcileResult Done() { return {}; }
  static ReconcileResult RequeueAfter(Millis delay) { return {kDone, delay, {}, {}}; }
  static ReconcileResult Retry(std::string error,
                               std::optional<Millis> retry_after = std::nullopt) {
    return {kRetry, {}, retry_after, std::move(error)};
  }
  static ReconcileResult Terminal(std::string error) {
    return {kTerminal, {}, {}, std::move(error)};
  }
};

// Reconciles the object named by `key`. Called from worker threads, never
// concurrently for the same key. An exception escaping it is treated as
// kRetry with the exception's what() as the error.
using ReconcileFunc = std::function<ReconcileResult(const std::string& key)>;

// Called on the worker thread after each reconcile (for logs and metrics),
// before the key is marked Done. Must not block for long.
using ReconcileObserver =
    std::function<void(const std::string& key, const ReconcileResult& result)>;

// Start() and Stop() are meant for one controlling thread; the workers
// themselves only touch the (thread-safe) queue and the callbacks.
class WorkerPool {
 public:
  // `queue` is borrowed and must outlive the pool.
  WorkerPool(WorkQueue& queue, ReconcileFunc reconcile, ReconcileObserver observer = nullptr);
  // Stops the pool (see Stop).
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts `workers` (>= 1) threads. Has no effect if already started.
  void Start(int workers);

  // Shuts the queue down, lets each worker finish the reconcile it is in and
  // joins them. Keys still queued are dropped. The queue cannot be reused, so
  // neither can the pool. Idempotent. Must not be called from a reconcile
  // (a worker cannot join itself).
  void Stop();

 private:
  void Run();
  ReconcileResult Reconcile(const std::string& key);
  void Handle(const std::string& key, const ReconcileResult& result);

  WorkQueue& queue_;
  const ReconcileFunc reconcile_;
  const ReconcileObserver observer_;
  std::vector<std::thread> threads_;
};

}  // namespace sesame::controller
