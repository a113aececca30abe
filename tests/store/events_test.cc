#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::FakeClock;
using testing::SandboxKey;
using testing::TempDir;

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Store>> s = Store::Open(dir_.File("state.db"), clock_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }

  void Record(const ObjectKey& key, const std::string& reason, const std::string& message,
              const std::string& type = "Normal") {
    Event e;
    e.object = key;
    e.object_uid = "uid-" + key.name;
    e.type = type;
    e.reason = reason;
    e.message = message;
    ASSERT_TRUE(store_->RecordEvent(e).ok());
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(EventsTest, AnEventWakesNoWaiterButAnObjectWriteDoes) {
  uint64_t seq = store_->ChangeSequence();
  Record(SandboxKey("a"), "Created", "created container");
  EXPECT_EQ(store_->ChangeSequence(), seq);
  ASSERT_TRUE(store_->Apply({testing::Sandbox("a")}, {}).ok());
  EXPECT_NE(store_->ChangeSequence(), seq);
}

TEST_F(EventsTest, RepeatsAreMerged) {
  Time first = clock_.Now();
  Record(SandboxKey("a"), "Created", "created container");
  clock_.Advance(std::chrono::seconds(10));
  Record(SandboxKey("a"), "Created", "created container");
  clock_.Advance(std::chrono::seconds(10));
  Record(SandboxKey("a"), "Created", "created container");

  Result<std::vector<Event>> events = store_->ListEvents({});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  const Event& e = events->front();
  EXPECT_EQ(e.count, 3);
  EXPECT_EQ(e.first_timestamp, first);
  EXPECT_EQ(e.last_timestamp, clock_.Now());
  EXPECT_EQ(e.object, SandboxKey("a"));
  EXPECT_EQ(e.object_uid, "uid-a");
}

TEST_F(EventsTest, DifferentTypeReasonOrMessageAreSeparate) {
  Record(SandboxKey("a"), "Created", "x");
  Record(SandboxKey("a"), "Created", "y");
  Record(SandboxKey("a"), "Failed", "x");
  Record(SandboxKey("a"), "Created", "x", "Warning");
  Record(SandboxKey("b"), "Created", "x");
  EXPECT_EQ(store_->ListEvents({})->size(), 5u);
}

TEST_F(EventsTest, FiltersAndNewestFirst) {
  Record(SandboxKey("a"), "One", "m");
  clock_.Advance(std::chrono::seconds(1));
  Record({specs::kKindSandbox, "team", "b"}, "Two", "m");
  clock_.Advance(std::chrono::seconds(1));
  Record(SandboxKey("a"), "Three", "m");

  Result<std::vector<Event>> all = store_->ListEvents({});
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].reason, "Three");
  EXPECT_EQ((*all)[2].reason, "One");

  EventFilter in_team;
  in_team.namespace_ = "team";
  EXPECT_EQ(store_->ListEvents(in_team)->size(), 1u);
  EventFilter of_a;
  of_a.object = SandboxKey("a");
  EXPECT_EQ(store_->ListEvents(of_a)->size(), 2u);
  EventFilter newest;
  newest.limit = 1;
  Result<std::vector<Event>> limited = store_->ListEvents(newest);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ(limited->front().reason, "Three");
}

}  // namespace
}  // namespace sesame::store
