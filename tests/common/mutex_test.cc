#include "common/mutex.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

namespace sesame {
namespace {

TEST(GuardedTest, EveryAccessHoldsTheLock) {
  Guarded<std::map<std::string, int>> counts;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) counts.With([](auto& m) { ++m["n"]; });
    });
  }
  for (auto& t : threads) t.join();
  const auto& read_only = counts;
  EXPECT_EQ(read_only.With([](const auto& m) { return m.at("n"); }), 40000);
}

TEST(MutexLockTest, WaitReleasesTheLockUntilTheConditionHolds) {
  Mutex mutex;
  std::condition_variable_any changed;
  bool ready = false;
  std::thread setter([&] {
    MutexLock lock(mutex);
    ready = true;
    changed.notify_all();
  });
  {
    MutexLock lock(mutex);
    lock.Wait(changed, [&] { return ready; });
    EXPECT_TRUE(ready);
  }
  setter.join();
}

}  // namespace
}  // namespace sesame
