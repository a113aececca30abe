#include "controller/work_queue.h"

namespace sesame::controller {

WorkQueue::WorkQueue() : WorkQueue(std::make_unique<Backoff>()) {}

WorkQueue::WorkQueue(std::unique_ptr<Backoff> backoff) : backoff_(std::move(backoff)) {}

WorkQueue::~WorkQueue() { ShutDown(); }

void WorkQueue::Add(const std::string& key) {
  MutexLock lock(mutex_);
  if (AddLocked(key)) cv_.notify_one();
}

bool WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_) return false;
  if (!dirty_.insert(key).second) return false;  // Already queued.
  // A key being processed stays dirty and is queued again by Done().
  if (processing_.count(key)) return false;
  queue_.push_back(key);
  return true;
}

void WorkQueue::AddAfter(const std::string& key, Millis delay) {
  if (delay <= Millis::zero()) {
    Add(key);
    return;
  }
  SteadyTime deadline = std::chrono::steady_clock::now() + delay;
  MutexLock lock(mutex_);
  if (shutting_down_) return;
  auto it = deadlines_.find(key);
  if (it != deadlines_.end()) {
    if (it->second <= deadline) return;  // The earlier deadline wins.
    waiting_.erase({it->second, key});
    it->second = deadline;
  } else {
    deadlines_.emplace(key, deadline);
  }
  bool earliest = waiting_.empty() || deadline < waiting_.begin()->first;
  waiting_.emplace(deadline, key);
  // Blocked Get()s sleep until the old earliest deadline; wake them to
  // recompute. Notifying them all is cheap for a handful of workers.
  if (earliest) cv_.notify_all();
}

void WorkQueue::AddRateLimited(const std::string& key, std::optional<Millis> retry_after) {
  if (ShuttingDown()) return;  // Do not count a failure that will never retry.
  AddAfter(key, backoff_->Delay(key, retry_after));
}

void WorkQueue::Forget(const std::string& key) { backoff_->Forget(key); }

int WorkQueue::NumRequeues(const std::string& key) const { return backoff_->NumRequeues(key); }

std::optional<std::string> WorkQueue::Get() {
  MutexLock lock(mutex_);
  while (true) {
    if (shutting_down_) return std::nullopt;
    if (PromoteDueLocked(std::chrono::steady_clock::now()) > 1) cv_.notify_all();
    if (!queue_.empty()) break;
    if (waiting_.empty()) {
      lock.Wait(cv_);
    } else {
      // A copy: WaitUntil reads the deadline after waking, when the set
      // node may have been erased by another thread.
      const SteadyTime deadline = waiting_.begin()->first;
      lock.WaitUntil(cv_, deadline);
    }
  }
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_.insert(key);
  return key;
}

int WorkQueue::PromoteDueLocked(SteadyTime now) {
  int ready = 0;
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    auto node = waiting_.extract(waiting_.begin());
    deadlines_.erase(node.value().second);
    if (AddLocked(node.value().second)) ++ready;
  }
  return ready;
}

void WorkQueue::Done(const std::string& key) {
  MutexLock lock(mutex_);
  if (processing_.erase(key) == 0) return;
  if (dirty_.count(key) && !shutting_down_) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::ShutDown() {
  MutexLock lock(mutex_);
  shutting_down_ = true;
  waiting_.clear();
  deadlines_.clear();
  cv_.notify_all();
}

bool WorkQueue::ShuttingDown() const {
  MutexLock lock(mutex_);
  return shutting_down_;
}

size_t WorkQueue::Len() const {
  MutexLock lock(mutex_);
  if (shutting_down_) return queue_.size();
  // Delayed adds that are due but not yet promoted by a Get() count too.
  size_t len = queue_.size();
  SteadyTime now = std::chrono::steady_clock::now();
  for (auto it = waiting_.begin(); it != waiting_.end() && it->first <= now; ++it) {
    if (!dirty_.count(it->second) && !processing_.count(it->second)) ++len;
  }
  return len;
}

}  // namespace sesame::controller
