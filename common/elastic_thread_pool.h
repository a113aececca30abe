#pragma once
// Worker threads that grow with the work: a job that finds no idle worker
// starts a new one (up to max_threads), and a worker left idle for
// idle_timeout ends (down to min_threads). For a server whose connections
// each hold a thread for their whole life (keep-alive clients, watch and
// log streams): the bound can stay large while an idle server keeps only
// a few threads, instead of a fixed pool of the bound's size.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>

#include "common/mutex.h"
#include "common/thread_group.h"

namespace sesame {

class ElasticThreadPool {
 public:
  struct Options {
    size_t min_threads = 2;
    size_t max_threads = 64;
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  };

  explicit ElasticThreadPool(const Options& options);
  ~ElasticThreadPool() { Shutdown(); }
  ElasticThreadPool(const ElasticThreadPool&) = delete;
  ElasticThreadPool& operator=(const ElasticThreadPool&) = delete;

  // Runs `job` on an idle worker, or on a new one; with max_threads busy,
  // on the first that finishes.
  void Enqueue(std::function<void()> job) EXCLUDES(mutex_);
  // Runs the jobs queued so far, then ends every worker and waits for them.
  void Shutdown() EXCLUDES(mutex_);

  size_t threads() const EXCLUDES(mutex_);  // workers alive
  size_t idle() const EXCLUDES(mutex_);     // workers free for a job

 private:
  void Work() EXCLUDES(mutex_);

  const Options options_;
  mutable Mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::function<void()>> jobs_ GUARDED_BY(mutex_);
  size_t threads_ GUARDED_BY(mutex_) = 0;
  // Workers waiting for a job, or started and not yet waiting: each takes
  // the next job it finds.
  size_t idle_ GUARDED_BY(mutex_) = 0;
  bool stopping_ GUARDED_BY(mutex_) = false;
  ThreadGroup workers_;
};

}  // namespace sesame
