#include "controller/work_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <vector>

namespace sesame::controller {
namespace {

using std::chrono::steady_clock;

// Bounds on waiting for something that should happen: generous, so that a
// loaded machine does not fail the test; only a hang gets near them.
constexpr auto kPatience = std::chrono::seconds(5);
// How long to watch for something that should not happen.
constexpr auto kWatch = std::chrono::milliseconds(50);

std::future<std::optional<std::string>> GetAsync(WorkQueue& queue) {
  return std::async(std::launch::async, [&queue] { return queue.Get(); });
}

class WorkQueueTest : public ::testing::Test {
 protected:
  // A backoff without jitter and a 10 ms base, so retries are quick.
  static std::unique_ptr<Backoff> QuickBackoff() {
    BackoffPolicy policy;
    policy.base = Millis(10);
    policy.jitter = 0;
    return std::make_unique<Backoff>(policy, [] { return 0.5; });
  }

  WorkQueue queue_{QuickBackoff()};
};

TEST_F(WorkQueueTest, KeyAddedThriceIsGotOnce) {
  queue_.Add("a");
  queue_.Add("a");
  queue_.Add("a");
  EXPECT_EQ(1u, queue_.Len());
  EXPECT_EQ("a", queue_.Get());
  EXPECT_EQ(0u, queue_.Len());
  queue_.Done("a");
  EXPECT_EQ(0u, queue_.Len());
}

TEST_F(WorkQueueTest, KeysComeOutInOrder) {
  queue_.Add("a");
  queue_.Add("b");
  queue_.Add("a");
  queue_.Add("c");
  EXPECT_EQ("a", queue_.Get());
  EXPECT_EQ("b", queue_.Get());
  EXPECT_EQ("c", queue_.Get());
}

TEST_F(WorkQueueTest, KeyBeingProcessedIsNotHandedOutAgain) {
  queue_.Add("a");
  ASSERT_EQ("a", queue_.Get());
  queue_.Add("a");
  EXPECT_EQ(0u, queue_.Len());
  auto second = GetAsync(queue_);
  EXPECT_EQ(std::future_status::timeout, second.wait_for(kWatch));
  queue_.Done("a");
  ASSERT_EQ(std::future_status::ready, second.wait_for(kPatience));
  EXPECT_EQ("a", second.get());
}

TEST_F(WorkQueueTest, ReAddDuringProcessingRunsAfterDone) {
  queue_.Add("a");
  queue_.Add("b");
  ASSERT_EQ("a", queue_.Get());
  queue_.Add("a");
  queue_.Add("a");
  queue_.Done("a");
  EXPECT_EQ("b", queue_.Get());
  EXPECT_EQ("a", queue_.Get());
  queue_.Done("a");
  queue_.Done("b");
  EXPECT_EQ(0u, queue_.Len());
}

TEST_F(WorkQueueTest, DoneWithoutReAddDoesNotRequeue) {
  queue_.Add("a");
  ASSERT_EQ("a", queue_.Get());
  queue_.Done("a");
  queue_.Done("a");  // Ignored: not being processed.
  queue_.Done("zz");
  EXPECT_EQ(0u, queue_.Len());
}

TEST_F(WorkQueueTest, ShutDownUnblocksGet) {
  auto blocked = GetAsync(queue_);
  EXPECT_EQ(std::future_status::timeout, blocked.wait_for(kWatch));
  queue_.ShutDown();
  ASSERT_EQ(std::future_status::ready, blocked.wait_for(kPatience));
  EXPECT_EQ(std::nullopt, blocked.get());
  EXPECT_TRUE(queue_.ShuttingDown());
}

TEST_F(WorkQueueTest, ShutDownUnblocksGetWaitingForDelayedAdd) {
  queue_.AddAfter("a", Millis(60000));
  auto blocked = GetAsync(queue_);
  queue_.ShutDown();
  ASSERT_EQ(std::future_status::ready, blocked.wait_for(kPatience));
  EXPECT_EQ(std::nullopt, blocked.get());
}

TEST_F(WorkQueueTest, AddsAfterShutDownAreIgnored) {
  queue_.Add("a");
  queue_.ShutDown();
  queue_.Add("b");
  queue_.AddAfter("c", Millis(1));
  queue_.AddRateLimited("d");
  EXPECT_EQ(std::nullopt, queue_.Get());
  EXPECT_EQ(0, queue_.NumRequeues("d"));
}

TEST_F(WorkQueueTest, AddAfterZeroAddsAtOnce) {
  queue_.AddAfter("a", Millis(0));
  queue_.AddAfter("b", Millis(-5));
  EXPECT_EQ(2u, queue_.Len());
}

TEST_F(WorkQueueTest, AddAfterWaitsForTheDelay) {
  auto start = steady_clock::now();
  queue_.AddAfter("a", Millis(30));
  auto got = GetAsync(queue_);
  ASSERT_EQ(std::future_status::ready, got.wait_for(kPatience));
  EXPECT_EQ("a", got.get());
  EXPECT_GE(steady_clock::now() - start, Millis(30));
}

TEST_F(WorkQueueTest, DelayedKeyIsNotReadyEarly) {
  queue_.AddAfter("a", Millis(60000));
  EXPECT_EQ(0u, queue_.Len());
  auto got = GetAsync(queue_);
  EXPECT_EQ(std::future_status::timeout, got.wait_for(kWatch));
  queue_.ShutDown();
}

TEST_F(WorkQueueTest, BlockedGetWakesForLaterDelayedAdd) {
  auto got = GetAsync(queue_);
  EXPECT_EQ(std::future_status::timeout, got.wait_for(kWatch));
  queue_.AddAfter("a", Millis(60000));  // Get now sleeps until this deadline...
  queue_.AddAfter("b", Millis(10));     // ...and must wake for this earlier one.
  ASSERT_EQ(std::future_status::ready, got.wait_for(kPatience));
  EXPECT_EQ("b", got.get());
}

TEST_F(WorkQueueTest, DelayedAddsComeOutByDeadline) {
  auto start = steady_clock::now();
  queue_.AddAfter("late", Millis(500));
  queue_.AddAfter("early", Millis(10));
  EXPECT_EQ("early", queue_.Get());
  EXPECT_EQ("late", queue_.Get());
  EXPECT_GE(steady_clock::now() - start, Millis(500));
}

TEST_F(WorkQueueTest, EarlierDeadlineWins) {
  queue_.AddAfter("a", Millis(60000));
  queue_.AddAfter("a", Millis(10));
  auto got = GetAsync(queue_);
  ASSERT_EQ(std::future_status::ready, got.wait_for(kPatience));
  EXPECT_EQ("a", got.get());
}

TEST_F(WorkQueueTest, LaterDeadlineDoesNotPostpone) {
  queue_.AddAfter("a", Millis(10));
  queue_.AddAfter("a", Millis(60000));
  auto got = GetAsync(queue_);
  ASSERT_EQ(std::future_status::ready, got.wait_for(kPatience));
  EXPECT_EQ("a", got.get());
}

TEST_F(WorkQueueTest, DelayedAddOfQueuedKeyIsDeduplicated) {
  queue_.Add("a");
  queue_.AddAfter("a", Millis(10));
  std::this_thread::sleep_for(Millis(30));
  EXPECT_EQ(1u, queue_.Len());
  EXPECT_EQ("a", queue_.Get());
  EXPECT_EQ(0u, queue_.Len());
}

TEST_F(WorkQueueTest, DelayedAddOfKeyBeingProcessedRunsAfterDone) {
  queue_.Add("a");
  ASSERT_EQ("a", queue_.Get());
  queue_.AddAfter("a", Millis(10));
  auto second = GetAsync(queue_);
  EXPECT_EQ(std::future_status::timeout, second.wait_for(kWatch));
  queue_.Done("a");
  ASSERT_EQ(std::future_status::ready, second.wait_for(kPatience));
  EXPECT_EQ("a", second.get());
}

TEST_F(WorkQueueTest, LenCountsDueDelayedAdds) {
  queue_.AddAfter("a", Millis(1));
  std::this_thread::sleep_for(Millis(20));
  EXPECT_EQ(1u, queue_.Len());
}

TEST_F(WorkQueueTest, AddRateLimitedBacksOffAndCounts) {
  auto start = steady_clock::now();
  queue_.AddRateLimited("a");
  EXPECT_EQ(1, queue_.NumRequeues("a"));
  EXPECT_EQ("a", queue_.Get());
  EXPECT_GE(steady_clock::now() - start, Millis(10));
  queue_.Done("a");

  start = steady_clock::now();
  queue_.AddRateLimited("a");
  EXPECT_EQ(2, queue_.NumRequeues("a"));
  EXPECT_EQ("a", queue_.Get());
  EXPECT_GE(steady_clock::now() - start, Millis(20));
  queue_.Done("a");
}

TEST_F(WorkQueueTest, AddRateLimitedHonoursRetryAfter) {
  auto start = steady_clock::now();
  queue_.AddRateLimited("a", Millis(100));
  EXPECT_EQ("a", queue_.Get());
  EXPECT_GE(steady_clock::now() - start, Millis(100));
}

TEST_F(WorkQueueTest, ForgetResetsBackoff) {
  queue_.AddRateLimited("a");
  queue_.AddRateLimited("a");
  EXPECT_EQ(2, queue_.NumRequeues("a"));
  queue_.Forget("a");
  EXPECT_EQ(0, queue_.NumRequeues("a"));
  // Forget does not cancel the pending retry.
  EXPECT_EQ("a", queue_.Get());
}

TEST_F(WorkQueueTest, DefaultConstructedQueueWorks) {
  WorkQueue queue;
  queue.Add("a");
  EXPECT_EQ("a", queue.Get());
  queue.AddRateLimited("a");
  EXPECT_EQ(1, queue.NumRequeues("a"));
}

TEST_F(WorkQueueTest, ManyWaitersAllGetDelayedKeys) {
  std::vector<std::future<std::optional<std::string>>> gets;
  for (int i = 0; i < 4; ++i) gets.push_back(GetAsync(queue_));
  for (int i = 0; i < 4; ++i) queue_.AddAfter("k" + std::to_string(i), Millis(10 + i));
  std::set<std::string> got;
  for (auto& g : gets) {
    ASSERT_EQ(std::future_status::ready, g.wait_for(kPatience));
    got.insert(*g.get());
  }
  EXPECT_EQ(4u, got.size());
}

}  // namespace
}  // namespace sesame::controller
