// LruCache keeps at most its capacity and drops the least recently used.
#include "reconcilers/lru_cache.h"

#include <gtest/gtest.h>

namespace sesame::reconcilers {
namespace {

TEST(LruCacheTest, DropsTheLeastRecentlyUsedBeyondCapacity) {
  LruCache<int> cache(2);
  cache.Put("a", 1);
  cache.Put("b", 2);
  ASSERT_NE(cache.Find("a"), nullptr);  // a is now more recent than b
  cache.Put("c", 3);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("b"), nullptr);
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(*cache.Find("a"), 1);
  ASSERT_NE(cache.Find("c"), nullptr);
  EXPECT_EQ(*cache.Find("c"), 3);
}

TEST(LruCacheTest, PutReplacesAndRefreshes) {
  LruCache<int> cache(2);
  cache.Put("a", 1);
  cache.Put("b", 2);
  cache.Put("a", 10);  // replaced, and now the most recent
  cache.Put("c", 3);   // so b goes
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("b"), nullptr);
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(*cache.Find("a"), 10);
}

TEST(LruCacheTest, EraseAndZeroCapacity) {
  LruCache<int> cache(3);
  cache.Put("a", 1);
  cache.Erase("a");
  cache.Erase("missing");
  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  LruCache<int> none(0);
  none.Put("a", 1);
  EXPECT_EQ(none.Find("a"), nullptr);
  EXPECT_EQ(none.size(), 0u);
}

TEST(LruCacheTest, AScanLongerThanCapacityKeepsTheLastOnes) {
  LruCache<int> cache(4);
  for (int i = 0; i < 100; ++i) cache.Put("k" + std::to_string(i), i);
  EXPECT_EQ(cache.size(), 4u);
  for (int i = 0; i < 96; ++i) EXPECT_EQ(cache.Find("k" + std::to_string(i)), nullptr) << i;
  for (int i = 96; i < 100; ++i) ASSERT_NE(cache.Find("k" + std::to_string(i)), nullptr) << i;
}

}  // namespace
}  // namespace sesame::reconcilers
