#include "common/elastic_thread_pool.h"

#include <utility>

namespace sesame {

ElasticThreadPool::ElasticThreadPool(const Options& options) : options_(options) {
  {
    MutexLock lock(mutex_);
    threads_ = idle_ = options_.min_threads;
  }
  for (size_t i = 0; i < options_.min_threads; ++i) workers_.Spawn([this] { Work(); });
}

void ElasticThreadPool::Enqueue(std::function<void()> job) {
  bool start = false;
  {
    MutexLock lock(mutex_);
    jobs_.push_back(std::move(job));
    // Each idle worker takes one job: a job beyond them needs a new worker
    // (counted now, and idle until it takes a job, so that the next job
    // sees it).
    if (jobs_.size() > idle_ && threads_ < options_.max_threads) {
      ++threads_;
      ++idle_;
      start = true;
    }
  }
  // Not under the lock: Spawn joins the workers that ended meanwhile.
  if (start) workers_.Spawn([this] { Work(); });
  changed_.notify_one();
}

void ElasticThreadPool::Work() {
  bool started = true;  // counted idle by whoever started it
  for (;;) {
    std::function<void()> job;
    {
      MutexLock lock(mutex_);
      if (!started) ++idle_;
      started = false;
      bool woken = lock.WaitFor(changed_, options_.idle_timeout, [this] {
        mutex_.AssertHeld();
        return !jobs_.empty() || stopping_;
      });
      --idle_;
      if (!woken || jobs_.empty()) {
        // Idle for the whole timeout (or stopping with nothing left to run).
        if (stopping_ || threads_ > options_.min_threads) {
          --threads_;
          return;
        }
        continue;
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void ElasticThreadPool::Shutdown() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  workers_.JoinAll();
}

size_t ElasticThreadPool::threads() const {
  MutexLock lock(mutex_);
  return threads_;
}

size_t ElasticThreadPool::idle() const {
  MutexLock lock(mutex_);
  return idle_;
}

}  // namespace sesame
