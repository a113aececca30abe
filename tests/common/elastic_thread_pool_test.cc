#include "common/elastic_thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/mutex.h"

namespace sesame {
namespace {

using namespace std::chrono_literals;

// Jobs that report they started and then wait until the test lets them go.
class Jobs {
 public:
  std::function<void()> Blocking() {
    return [this] {
      MutexLock lock(mutex_);
      ++running_;
      peak_ = std::max(peak_, running_);
      changed_.notify_all();
      lock.Wait(changed_, [this] {
        mutex_.AssertHeld();
        return released_;
      });
      --running_;
      ++finished_;
      changed_.notify_all();
    };
  }
  void Release() {
    MutexLock lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  // Waits (without a deadline of its own: ctest's timeout ends a hang)
  // until `n` jobs run at once.
  void WaitRunning(int n) {
    MutexLock lock(mutex_);
    lock.Wait(changed_, [&] {
      mutex_.AssertHeld();
      return running_ == n;
    });
  }
  void WaitFinished(int n) {
    MutexLock lock(mutex_);
    lock.Wait(changed_, [&] {
      mutex_.AssertHeld();
      return finished_ == n;
    });
  }
  int peak() {
    MutexLock lock(mutex_);
    return peak_;
  }
  int finished() {
    MutexLock lock(mutex_);
    return finished_;
  }

 private:
  Mutex mutex_;
  std::condition_variable_any changed_;
  int running_ GUARDED_BY(mutex_) = 0;
  int peak_ GUARDED_BY(mutex_) = 0;
  int finished_ GUARDED_BY(mutex_) = 0;
  bool released_ GUARDED_BY(mutex_) = false;
};

TEST(ElasticThreadPoolTest, StartsWithTheMinimumAndGrowsWithTheJobs) {
  ElasticThreadPool pool({.min_threads = 2, .max_threads = 100, .idle_timeout = 1h});
  EXPECT_EQ(pool.threads(), 2u);
  Jobs jobs;
  // Every job runs at once: each holds its thread, as a connection does.
  for (int i = 0; i < 40; ++i) pool.Enqueue(jobs.Blocking());
  jobs.WaitRunning(40);
  EXPECT_EQ(pool.threads(), 40u);
  jobs.Release();
  jobs.WaitFinished(40);
  // Idle workers take the next jobs: no new thread for them.
  Jobs more;
  for (int i = 0; i < 10; ++i) pool.Enqueue(more.Blocking());
  more.WaitRunning(10);
  EXPECT_EQ(pool.threads(), 40u);
  more.Release();
}

TEST(ElasticThreadPoolTest, NeverMoreThanTheMaximumAndTheRestWait) {
  ElasticThreadPool pool({.min_threads = 0, .max_threads = 3, .idle_timeout = 1h});
  EXPECT_EQ(pool.threads(), 0u);
  Jobs jobs;
  for (int i = 0; i < 8; ++i) pool.Enqueue(jobs.Blocking());
  jobs.WaitRunning(3);
  EXPECT_EQ(pool.threads(), 3u);
  EXPECT_EQ(jobs.finished(), 0);
  jobs.Release();
  jobs.WaitFinished(8);
  EXPECT_EQ(jobs.peak(), 3);
  EXPECT_EQ(pool.threads(), 3u);
}

TEST(ElasticThreadPoolTest, IdleWorkersEndDownToTheMinimum) {
  ElasticThreadPool pool({.min_threads = 1, .max_threads = 16, .idle_timeout = 20ms});
  Jobs jobs;
  for (int i = 0; i < 16; ++i) pool.Enqueue(jobs.Blocking());
  jobs.WaitRunning(16);
  jobs.Release();
  jobs.WaitFinished(16);
  // The workers end one idle timeout after their last job; the minimum stays.
  while (pool.threads() > 1) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(pool.threads(), 1u);
  // And the pool grows again.
  std::atomic<int> ran{0};
  for (int i = 0; i < 5; ++i) pool.Enqueue([&] { ++ran; });
  pool.Shutdown();
  EXPECT_EQ(ran, 5);
}

TEST(ElasticThreadPoolTest, ShutdownRunsTheQueuedJobsFirst) {
  std::atomic<int> ran{0};
  Jobs jobs;
  {
    ElasticThreadPool pool({.min_threads = 0, .max_threads = 1, .idle_timeout = 1h});
    pool.Enqueue(jobs.Blocking());
    for (int i = 0; i < 20; ++i) pool.Enqueue([&] { ++ran; });
    jobs.WaitRunning(1);
    jobs.Release();
  }  // the destructor shuts down
  EXPECT_EQ(ran, 20);
  EXPECT_EQ(jobs.finished(), 1);
}

}  // namespace
}  // namespace sesame
