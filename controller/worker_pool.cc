#include "controller/worker_pool.h"

#include <exception>

namespace sesame::controller {

WorkerPool::WorkerPool(WorkQueue& queue, ReconcileFunc reconcile, ReconcileObserver observer)
    : queue_(queue), reconcile_(std::move(reconcile)), observer_(std::move(observer)) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Start(int workers) {
  if (!threads_.empty()) return;
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { Run(); });
}

void WorkerPool::Stop() {
  queue_.ShutDown();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::Run() {
  while (std::optional<std::string> key = queue_.Get()) {
    ReconcileResult result = Reconcile(*key);
    if (observer_) observer_(*key, result);
    Handle(*key, result);
    queue_.Done(*key);
  }
}

ReconcileResult WorkerPool::Reconcile(const std::string& key) {
  // A throwing reconciler must not kill its worker or leave the key
  // marked as processing forever.
  try {
    return reconcile_(key);
  } catch (const std::exception& e) {
    return ReconcileResult::Retry(std::string("exception: ") + e.what());
  } catch (...) {
    return ReconcileResult::Retry("unknown exception");
  }
}

void WorkerPool::Handle(const std::string& key, const ReconcileResult& result) {
  if (result.outcome == ReconcileResult::kRetry) {
    queue_.AddRateLimited(key, result.retry_after);
    return;
  }
  queue_.Forget(key);
  if (result.requeue_after) queue_.AddAfter(key, *result.requeue_after);
}

}  // namespace sesame::controller
