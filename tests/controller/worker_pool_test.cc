#include "controller/worker_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/mutex.h"

namespace sesame::controller {
namespace {

using std::chrono::steady_clock;

constexpr auto kPatience = std::chrono::seconds(10);

// What a reconciler saw, shared between the workers and the test thread.
class Log {
 public:
  // Records a reconcile of `key`; returns its 1-based attempt number.
  int Record(const std::string& key) {
    MutexLock lock(mutex_);
    times_[key].push_back(steady_clock::now());
    cv_.notify_all();
    return static_cast<int>(times_[key].size());
  }
  // Waits until `key` has been reconciled `n` times; false on timeout.
  bool WaitFor(const std::string& key, size_t n) {
    MutexLock lock(mutex_);
    return lock.WaitFor(cv_, kPatience, [&] {
      mutex_.AssertHeld();
      return times_[key].size() >= n;
    });
  }
  size_t Count(const std::string& key) {
    MutexLock lock(mutex_);
    return times_[key].size();
  }
  steady_clock::time_point Time(const std::string& key, size_t i) {
    MutexLock lock(mutex_);
    return times_[key].at(i);
  }

 private:
  Mutex mutex_;
  std::condition_variable_any cv_;
  std::map<std::string, std::vector<steady_clock::time_point>> times_ GUARDED_BY(mutex_);
};

class WorkerPoolTest : public ::testing::Test {
 protected:
  // A backoff without jitter and a 5 ms base, so retries are quick.
  static std::unique_ptr<Backoff> QuickBackoff() {
    BackoffPolicy policy;
    policy.base = Millis(5);
    policy.jitter = 0;
    return std::make_unique<Backoff>(policy, [] { return 0.5; });
  }

  // Observes results, so a test can wait until the outcome of an attempt
  // has been handed to the queue (the observer runs just before that).
  ReconcileObserver Observer() {
    return [this](const std::string& key, const ReconcileResult&) {
      MutexLock lock(mutex_);
      ++observed_[key];
      cv_.notify_all();
    };
  }
  bool WaitObserved(const std::string& key, int n) {
    MutexLock lock(mutex_);
    return lock.WaitFor(cv_, kPatience, [&] {
      mutex_.AssertHeld();
      return observed_[key] >= n;
    });
  }

  WorkQueue queue_{QuickBackoff()};
  Log log_;
  Mutex mutex_;
  std::condition_variable_any cv_;
  std::map<std::string, int> observed_ GUARDED_BY(mutex_);
};

TEST_F(WorkerPoolTest, SuccessReconcilesOnceAndForgets) {
  queue_.AddRateLimited("a");  // A failure left over from earlier.
  WorkerPool pool(queue_, [&](const std::string& key) {
    log_.Record(key);
    return ReconcileResult::Done();
  }, Observer());
  pool.Start(2);
  ASSERT_TRUE(WaitObserved("a", 1));
  pool.Stop();
  EXPECT_EQ(1u, log_.Count("a"));
  EXPECT_EQ(0, queue_.NumRequeues("a"));
}

TEST_F(WorkerPoolTest, RetryBacksOffUntilSuccess) {
  WorkerPool pool(queue_, [&](const std::string& key) {
    int attempt = log_.Record(key);
    EXPECT_EQ(attempt - 1, queue_.NumRequeues(key));
    return attempt < 4 ? ReconcileResult::Retry("not yet") : ReconcileResult::Done();
  }, Observer());
  pool.Start(2);
  queue_.Add("a");
  ASSERT_TRUE(WaitObserved("a", 4));
  pool.Stop();
  EXPECT_EQ(4u, log_.Count("a"));
  EXPECT_EQ(0, queue_.NumRequeues("a"));
  // Backoff of 5, 10 and 20 ms between the attempts.
  EXPECT_GE(log_.Time("a", 1) - log_.Time("a", 0), Millis(5));
  EXPECT_GE(log_.Time("a", 2) - log_.Time("a", 1), Millis(10));
  EXPECT_GE(log_.Time("a", 3) - log_.Time("a", 2), Millis(20));
}

TEST_F(WorkerPoolTest, RetryAfterHintIsHonoured) {
  WorkerPool pool(queue_, [&](const std::string& key) {
    int attempt = log_.Record(key);
    return attempt == 1 ? ReconcileResult::Retry("busy", Millis(150)) : ReconcileResult::Done();
  });
  pool.Start(1);
  queue_.Add("a");
  ASSERT_TRUE(log_.WaitFor("a", 2));
  EXPECT_GE(log_.Time("a", 1) - log_.Time("a", 0), Millis(150));
}

TEST_F(WorkerPoolTest, TerminalErrorIsNotRetried) {
  WorkerPool pool(queue_, [&](const std::string& key) {
    int attempt = log_.Record(key);
    return attempt == 1 ? ReconcileResult::Retry("flaky") : ReconcileResult::Terminal("broken");
  }, Observer());
  pool.Start(2);
  queue_.Add("a");
  ASSERT_TRUE(WaitObserved("a", 2));
  // A retry would come after 10 ms; give it far longer to show up.
  std::this_thread::sleep_for(Millis(200));
  pool.Stop();
  EXPECT_EQ(2u, log_.Count("a"));
  EXPECT_EQ(0, queue_.NumRequeues("a"));
}

TEST_F(WorkerPoolTest, TerminalKeyRunsAgainWhenAddedAgain) {
  WorkerPool pool(queue_, [&](const std::string& key) {
    log_.Record(key);
    return ReconcileResult::Terminal("broken");
  }, Observer());
  pool.Start(1);
  queue_.Add("a");
  ASSERT_TRUE(WaitObserved("a", 1));
  queue_.Add("a");  // A new event: the object changed.
  ASSERT_TRUE(log_.WaitFor("a", 2));
}

TEST_F(WorkerPoolTest, RequeueAfterForgetsBackoffAndDelays) {
  WorkerPool pool(queue_, [&](const std::string& key) {
    int attempt = log_.Record(key);
    if (attempt == 1) return ReconcileResult::Retry("first");
    if (attempt == 2) {
      EXPECT_EQ(1, queue_.NumRequeues(key));
      return ReconcileResult::RequeueAfter(Millis(100));
    }
    EXPECT_EQ(0, queue_.NumRequeues(key));
    return ReconcileResult::Done();
  }, Observer());
  pool.Start(2);
  queue_.Add("a");
  ASSERT_TRUE(WaitObserved("a", 3));
  pool.Stop();
  EXPECT_EQ(3u, log_.Count("a"));
  EXPECT_GE(log_.Time("a", 2) - log_.Time("a", 1), Millis(100));
}

TEST_F(WorkerPoolTest, TerminalWithRequeueAfterKeepsTheDeadline) {
  WorkerPool pool(queue_, [&](const std::string& key) {
    int attempt = log_.Record(key);
    if (attempt > 1) return ReconcileResult::Done();
    ReconcileResult result = ReconcileResult::Terminal("failed for good");
    result.requeue_after = Millis(20);  // E.g. the object's expiry.
    return result;
  });
  pool.Start(1);
  queue_.Add("a");
  ASSERT_TRUE(log_.WaitFor("a", 2));
  EXPECT_GE(log_.Time("a", 1) - log_.Time("a", 0), Millis(20));
}

TEST_F(WorkerPoolTest, ExceptionIsRetried) {
  WorkerPool pool(queue_, [&](const std::string& key) {
    if (log_.Record(key) == 1) throw std::runtime_error("boom");
    return ReconcileResult::Done();
  });
  pool.Start(1);
  queue_.Add("a");
  ASSERT_TRUE(log_.WaitFor("a", 2));
}

TEST_F(WorkerPoolTest, ReAddDuringReconcileRunsAgainAfterwards) {
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  WorkerPool pool(queue_, [&](const std::string& key) {
    if (log_.Record(key) == 1) {
      entered.set_value();
      released.wait();
    }
    return ReconcileResult::Done();
  });
  pool.Start(4);
  queue_.Add("a");
  entered.get_future().wait();
  queue_.Add("a");
  std::this_thread::sleep_for(Millis(50));
  EXPECT_EQ(1u, log_.Count("a"));  // Not handed to one of the idle workers.
  release.set_value();
  ASSERT_TRUE(log_.WaitFor("a", 2));
}

TEST_F(WorkerPoolTest, NoKeyIsReconciledConcurrently) {
  constexpr int kKeys = 10;
  constexpr int kAdders = 4;
  constexpr int kAddsPerAdder = 3000;
  std::atomic<int> in_flight[kKeys] = {};
  std::atomic<int> max_in_flight[kKeys] = {};
  std::atomic<long> seq{0};
  std::atomic<long> last_add[kKeys] = {};
  std::atomic<long> last_start[kKeys] = {};

  WorkerPool pool(queue_, [&](const std::string& key) {
    int k = std::stoi(key);
    last_start[k] = ++seq;
    int now = ++in_flight[k];
    int max = max_in_flight[k];
    while (now > max && !max_in_flight[k].compare_exchange_weak(max, now)) {
    }
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    --in_flight[k];
    return ReconcileResult::Done();
  });
  pool.Start(4);

  std::vector<std::thread> adders;
  for (int a = 0; a < kAdders; ++a) {
    adders.emplace_back([&, a] {
      for (int i = 0; i < kAddsPerAdder; ++i) {
        int k = (i + a) % kKeys;
        last_add[k] = ++seq;
        queue_.Add(std::to_string(k));
      }
    });
  }
  for (std::thread& t : adders) t.join();

  // Every key is reconciled once more after its last add.
  auto deadline = steady_clock::now() + kPatience;
  auto caught_up = [&] {
    for (int k = 0; k < kKeys; ++k) {
      if (last_start[k] <= last_add[k]) return false;
    }
    return true;
  };
  while (!caught_up() && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(Millis(1));
  }
  pool.Stop();
  EXPECT_TRUE(caught_up());
  for (int k = 0; k < kKeys; ++k) EXPECT_EQ(1, max_in_flight[k]) << "key " << k;
}

TEST_F(WorkerPoolTest, StopUnblocksIdleWorkersAndIsIdempotent) {
  WorkerPool pool(queue_, [](const std::string&) { return ReconcileResult::Done(); });
  pool.Start(3);
  pool.Stop();
  pool.Stop();
  EXPECT_TRUE(queue_.ShuttingDown());
}

TEST_F(WorkerPoolTest, DestructorStops) {
  {
    WorkerPool pool(queue_, [](const std::string&) { return ReconcileResult::Done(); });
    pool.Start(2);
  }
  EXPECT_TRUE(queue_.ShuttingDown());
}

}  // namespace
}  // namespace sesame::controller
