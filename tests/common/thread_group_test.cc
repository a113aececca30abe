#include "common/thread_group.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>

#include "common/mutex.h"

namespace sesame {
namespace {

// A gate the spawned work waits at until the test opens it.
class Gate {
 public:
  void Wait() {
    MutexLock lock(mutex_);
    lock.Wait(opened_cv_, [&] {
      mutex_.AssertHeld();
      return open_;
    });
  }
  void Open() {
    MutexLock lock(mutex_);
    open_ = true;
    opened_cv_.notify_all();
  }

 private:
  Mutex mutex_;
  std::condition_variable_any opened_cv_;
  bool open_ GUARDED_BY(mutex_) = false;
};

TEST(ThreadGroupTest, JoinAllWaitsForEveryThread) {
  Gate gate;
  std::atomic<int> done{0};
  ThreadGroup group;
  for (int i = 0; i < 8; ++i) {
    group.Spawn([&] {
      gate.Wait();
      ++done;
    });
  }
  EXPECT_EQ(group.running(), 8u);
  EXPECT_EQ(done, 0);
  gate.Open();
  group.JoinAll();
  EXPECT_EQ(done, 8);
  EXPECT_EQ(group.running(), 0u);
}

TEST(ThreadGroupTest, FinishedThreadsLeaveTheRunningSet) {
  ThreadGroup group;
  for (int i = 0; i < 200; ++i) group.Spawn([] {});
  group.JoinAll();
  EXPECT_EQ(group.running(), 0u);
  // Still usable after a JoinAll.
  std::atomic<bool> ran{false};
  group.Spawn([&] { ran = true; });
  group.JoinAll();
  EXPECT_TRUE(ran);
}

TEST(ThreadGroupTest, ThreadsSpawnedByThreadsAreJoinedToo) {
  std::atomic<int> done{0};
  {
    ThreadGroup group;
    group.Spawn([&] {
      group.Spawn([&] { ++done; });
      ++done;
    });
  }  // the destructor joins both
  EXPECT_EQ(done, 2);
}

}  // namespace
}  // namespace sesame
