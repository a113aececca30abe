#include <gtest/gtest.h>

#include <thread>

#include "store/store.h"
#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::FakeClock;
using testing::Sandbox;
using testing::SandboxKey;
using testing::TempDir;
using testing::Template;

class UpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Store>> s = Store::Open(dir_.File("state.db"), clock_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }

  Object Create(const Object& o) {
    Result<std::vector<ApplyOutcome>> r = store_->Apply({o}, {});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r->front().object;
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(UpdateTest, UpdateReplacesMetadataAndSpec) {
  Object a = Create(Sandbox("a", R"({"x":1})"));
  a.metadata.labels = {{"k", "v"}};
  Result<Object> labelled = store_->Update(a);
  ASSERT_TRUE(labelled.ok()) << labelled.status().message();
  EXPECT_EQ(labelled->metadata.generation, 1);
  EXPECT_GT(labelled->metadata.resource_version, a.metadata.resource_version);

  labelled->spec = R"({"x":2})";
  Result<Object> respecced = store_->Update(*labelled);
  ASSERT_TRUE(respecced.ok());
  EXPECT_EQ(respecced->metadata.generation, 2);
  EXPECT_EQ(*store_->Get(SandboxKey("a")), *respecced);
}

TEST_F(UpdateTest, UpdateOfMissingObjectIsNotFound) {
  EXPECT_EQ(store_->Update(Sandbox("nope")).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->UpdateStatus(Sandbox("nope")).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Delete(SandboxKey("nope")).code(), Code::kNotFound);
}

TEST_F(UpdateTest, StaleResourceVersionConflicts) {
  Object a = Create(Sandbox("a"));
  Object fresh = a;
  fresh.metadata.labels = {{"k", "1"}};
  ASSERT_TRUE(store_->Update(fresh).ok());

  Object stale = a;  // still carries the first resourceVersion
  stale.metadata.labels = {{"k", "2"}};
  EXPECT_EQ(store_->Update(stale).status().code(), Code::kConflict);
  stale.status = R"({"phase":"Running"})";
  EXPECT_EQ(store_->UpdateStatus(stale).status().code(), Code::kConflict);
  EXPECT_EQ(store_->Delete(SandboxKey("a"), a.metadata.resource_version).code(),
            Code::kConflict);
  EXPECT_EQ(store_->Get(SandboxKey("a"))->metadata.labels.at("k"), "1");
}

TEST_F(UpdateTest, UpdateStatusNeverBumpsGeneration) {
  Object a = Create(Sandbox("a"));
  a.status = R"({"phase":"Running"})";
  a.spec = R"({"ignored":true})";  // UpdateStatus writes the status only
  Result<Object> s = store_->UpdateStatus(a);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->metadata.generation, 1);
  EXPECT_EQ(s->spec, "{}");
  EXPECT_EQ(store_->Get(SandboxKey("a"))->status, R"({"phase":"Running"})");
  EXPECT_GT(s->metadata.resource_version, a.metadata.resource_version);
}

TEST_F(UpdateTest, DeleteWithoutFinalizersRemovesTheRow) {
  Create(Template("t"));
  ObjectKey key{specs::kKindSandboxTemplate, "default", "t"};
  ASSERT_TRUE(store_->Delete(key).ok());
  EXPECT_EQ(store_->Get(key).status().code(), Code::kNotFound);
}

TEST_F(UpdateTest, FinalizerDeletionFlow) {
  Create(Sandbox("a"));
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(store_->Delete(SandboxKey("a")).ok());
  Result<Object> deleting = store_->Get(SandboxKey("a"));
  ASSERT_TRUE(deleting.ok());
  EXPECT_EQ(deleting->metadata.deletion_timestamp, clock_.Now());

  // Deleting again is a successful no-op.
  int64_t version = *store_->CurrentResourceVersion();
  ASSERT_TRUE(store_->Delete(SandboxKey("a")).ok());
  EXPECT_EQ(*store_->CurrentResourceVersion(), version);

  // The controller removes the finalizer: the row goes, DELETED is logged.
  deleting->metadata.finalizers.clear();
  Result<Object> last = store_->Update(*deleting);
  ASSERT_TRUE(last.ok()) << last.status().message();
  EXPECT_EQ(store_->Get(SandboxKey("a")).status().code(), Code::kNotFound);
  Result<std::vector<WatchEvent>> changes = store_->ChangesSince(version, 10);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ(changes->front().type, WatchType::kDeleted);
  EXPECT_EQ(changes->front().object.metadata.name, "a");
  EXPECT_EQ(changes->front().resource_version, version + 1);
}

TEST_F(UpdateTest, StoreIsUsableFromSeveralThreads) {
  Create(Sandbox("a"));
  auto work = [&] {
    for (int i = 0; i < 50; ++i) {
      for (;;) {
        Object o = *store_->Get(SandboxKey("a"));
        int n = o.metadata.labels.count("n") ? std::stoi(o.metadata.labels["n"]) : 0;
        o.metadata.labels["n"] = std::to_string(n + 1);
        Result<Object> r = store_->Update(o);
        if (r.ok()) break;
        ASSERT_EQ(r.status().code(), Code::kConflict);
      }
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  EXPECT_EQ(store_->Get(SandboxKey("a"))->metadata.labels.at("n"), "100");
}

}  // namespace
}  // namespace sesame::store
