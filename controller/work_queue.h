#pragma once
// A thread-safe queue of object keys for the controller's workers, after
// kubernetes client-go's workqueue (the rate-limiting, delaying flavour).
//
// A key names an object ("sandbox/default/web"); workers reconcile by key,
// so the queue only has to guarantee three things:
//
//   * a key waiting in the queue is held once: adding it again is a no-op;
//   * a key handed out by Get() is not handed to another worker until the
//     first one calls Done(key);
//   * a key added while it is being processed is queued again at Done(key),
//     so the change that caused the add is seen by a later reconcile.
//
// Delayed adds (AddAfter, AddRateLimited) wait in a separate set, one
// deadline per key, the earliest winning; at its deadline the key is Add()ed.
// Delays are measured on std::chrono::steady_clock, which Get() blocks on
// with a condition variable (no polling and no timer thread); that clock is
// therefore not injectable.
//
// Typical worker loop (see WorkerPool):
//
//   while (auto key = queue.Get()) {
//     ... reconcile *key ...
//     queue.Forget(*key) or queue.AddRateLimited(*key);
//     queue.Done(*key);
//   }
//
// Thread-safe: every method may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/mutex.h"
#include "common/time.h"
#include "controller/backoff.h"

namespace sesame::controller {

class WorkQueue {
 public:
  // Uses a Backoff with the default policy for AddRateLimited.
  WorkQueue();
  // Uses `backoff` (non-null) for AddRateLimited.
  explicit WorkQueue(std::unique_ptr<Backoff> backoff);
  // Shuts the queue down. No thread may be inside a method when it runs.
  ~WorkQueue();

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `key` unless it is already queued; if `key` is being processed it
  // is queued when Done(key) is called. Ignored after ShutDown().
  void Add(const std::string& key);

  // Adds `key` once `delay` has passed (at once if delay <= 0). If `key`
  // already waits for a delayed add, the earlier deadline is kept. A delayed
  // add does not cancel, and is not cancelled by, an immediate Add.
  void AddAfter(const std::string& key, Millis delay);

  // AddAfter(key, backoff delay), counting one more failure for `key`.
  // `retry_after` is a lower bound on the delay (see Backoff::Delay).
  void AddRateLimited(const std::string& key,
                      std::optional<Millis> retry_after = std::nullopt);

  // Resets the backoff of `key`. Does not remove the key from the queue.
  void Forget(const std::string& key);

  // Failures counted by AddRateLimited for `key` since its last Forget.
  int NumRequeues(const std::string& key) const;

  // Blocks until a key is ready, marks it as being processed and returns it.
  // Returns nullopt once ShutDown() has been called, even if keys remain:
  // the controller is level-triggered and resyncs every object on restart.
  // The caller must call Done(key) when it has finished with the key.
  std::optional<std::string> Get();

  // Marks `key` as no longer being processed, and queues it again if it was
  // added meanwhile. Ignored for a key that is not being processed.
  void Done(const std::string& key);

  // Wakes every blocked Get() (they return nullopt), drops delayed adds and
  // ignores later adds. Idempotent.
  void ShutDown();
  bool ShuttingDown() const;

  // Number of keys ready to be handed out (not counting keys being
  // processed, nor delayed adds whose deadline has not passed).
  size_t Len() const;

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;

  // Add() with mutex_ held; returns whether the key became ready.
  bool AddLocked(const std::string& key) REQUIRES(mutex_);
  // Moves the delayed adds whose deadline is at or before `now` into the
  // queue; returns how many keys became ready.
  int PromoteDueLocked(SteadyTime now) REQUIRES(mutex_);

  const std::unique_ptr<Backoff> backoff_;

  mutable Mutex mutex_;
  std::condition_variable_any cv_;
  // Keys ready to be handed out, in order; each is also in dirty_.
  std::deque<std::string> queue_ GUARDED_BY(mutex_);
  // Keys that need processing: those in queue_, and those being processed
  // that were added again since Get() handed them out.
  std::unordered_set<std::string> dirty_ GUARDED_BY(mutex_);
  // Keys handed out by Get() and not yet Done().
  std::unordered_set<std::string> processing_ GUARDED_BY(mutex_);
  // Delayed adds: key -> deadline, and the same ordered by deadline.
  std::unordered_map<std::string, SteadyTime> deadlines_ GUARDED_BY(mutex_);
  std::set<std::pair<SteadyTime, std::string>> waiting_ GUARDED_BY(mutex_);
  bool shutting_down_ GUARDED_BY(mutex_) = false;
};

}  // namespace sesame::controller
