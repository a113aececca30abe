#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::DryRun;
using testing::FakeClock;
using testing::Kind;
using testing::Prune;
using testing::Sandbox;
using testing::SandboxKey;
using testing::TempDir;
using testing::Template;

class ApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Store>> s = Store::Open(dir_.File("state.db"), clock_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }

  std::vector<ApplyOutcome> MustApply(const std::vector<Object>& objects,
                                      const ApplyOptions& options = {}) {
    Result<std::vector<ApplyOutcome>> r = store_->Apply(objects, options);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : std::vector<ApplyOutcome>{};
  }

  int64_t Version() { return *store_->CurrentResourceVersion(); }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(ApplyTest, CreatesWithServerFields) {
  Object in = Sandbox("a", R"({"provider":"docker"})");
  in.metadata.labels = {{"app", "web"}};
  std::vector<ApplyOutcome> out = MustApply({in, Template("t")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].action, ApplyAction::kCreated);
  EXPECT_STREQ(ToString(out[0].action), "created");
  const Object& a = out[0].object;
  EXPECT_EQ(a.metadata.uid.size(), 36u);
  EXPECT_EQ(a.metadata.uid[14], '4');
  EXPECT_EQ(a.metadata.generation, 1);
  EXPECT_EQ(a.metadata.resource_version, 1);
  EXPECT_EQ(a.metadata.creation_timestamp, clock_.Now());
  EXPECT_EQ(a.metadata.finalizers, std::vector<std::string>{specs::kSandboxFinalizer});
  EXPECT_TRUE(out[1].object.metadata.finalizers.empty());  // only Sandboxes get it
  EXPECT_NE(out[1].object.metadata.uid, a.metadata.uid);

  Result<Object> stored = store_->Get(SandboxKey("a"));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, a);
  EXPECT_EQ(Version(), 2);
}

TEST_F(ApplyTest, UnchangedWritesNothing) {
  MustApply({Sandbox("a", R"({"x":1})")});
  int64_t before = Version();
  std::vector<ApplyOutcome> out = MustApply({Sandbox("a", R"({"x":1})")});
  EXPECT_EQ(out[0].action, ApplyAction::kUnchanged);
  EXPECT_EQ(out[0].object.metadata.resource_version, before);
  EXPECT_EQ(Version(), before);
}

TEST_F(ApplyTest, GenerationBumpsOnlyOnSpecChange) {
  Object a = Sandbox("a", R"({"x":1})");
  Object first = MustApply({a})[0].object;

  a.metadata.labels = {{"team", "red"}};
  std::vector<ApplyOutcome> out = MustApply({a});
  EXPECT_EQ(out[0].action, ApplyAction::kConfigured);
  EXPECT_EQ(out[0].object.metadata.generation, 1);
  EXPECT_EQ(out[0].object.metadata.labels, a.metadata.labels);

  a.spec = R"({"x":2})";
  out = MustApply({a});
  EXPECT_EQ(out[0].action, ApplyAction::kConfigured);
  EXPECT_EQ(out[0].object.metadata.generation, 2);
  // Server fields survive a configure.
  EXPECT_EQ(out[0].object.metadata.uid, first.metadata.uid);
  EXPECT_EQ(out[0].object.metadata.creation_timestamp, first.metadata.creation_timestamp);
  EXPECT_EQ(out[0].object.metadata.finalizers, first.metadata.finalizers);
}

TEST_F(ApplyTest, ResourceVersionIsGlobalAndMonotonic) {
  int64_t last = 0;
  for (int round = 0; round < 3; ++round) {
    for (const ApplyOutcome& o : MustApply({Sandbox("a", "{\"r\":" + std::to_string(round) + "}"),
                                            Template("t", "{\"r\":" + std::to_string(round) + "}")})) {
      EXPECT_GT(o.object.metadata.resource_version, last);
      last = o.object.metadata.resource_version;
    }
  }
  EXPECT_EQ(Version(), last);
  EXPECT_EQ(last, 6);
}

TEST_F(ApplyTest, StaleResourceVersionConflictsAndStoresNothing) {
  MustApply({Sandbox("a")});
  int64_t before = Version();
  Object stale = Sandbox("a", R"({"x":1})");
  stale.metadata.resource_version = before + 100;
  Result<std::vector<ApplyOutcome>> r = store_->Apply({Sandbox("new"), stale}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_EQ(Version(), before);
  EXPECT_EQ(store_->Get(SandboxKey("new")).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Get(SandboxKey("a"))->spec, "{}");
}

TEST_F(ApplyTest, MatchingResourceVersionIsAccepted) {
  Object a = MustApply({Sandbox("a")})[0].object;
  a.spec = R"({"y":true})";
  EXPECT_EQ(MustApply({a})[0].action, ApplyAction::kConfigured);
}

TEST_F(ApplyTest, DuplicateKeysAreInvalid) {
  Result<std::vector<ApplyOutcome>> r = store_->Apply({Sandbox("a"), Sandbox("a")}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_EQ(Version(), 0);
}

TEST_F(ApplyTest, DryRunWritesNothing) {
  MustApply({Sandbox("a")});
  int64_t before = Version();
  std::vector<ApplyOutcome> out =
      MustApply({Sandbox("a", R"({"x":1})"), Sandbox("b")}, DryRun());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].action, ApplyAction::kConfigured);
  EXPECT_EQ(out[0].object.metadata.generation, 2);
  EXPECT_EQ(out[1].action, ApplyAction::kCreated);
  EXPECT_EQ(Version(), before);
  EXPECT_EQ(store_->Get(SandboxKey("b")).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Get(SandboxKey("a"))->spec, "{}");
  EXPECT_TRUE(store_->ChangesSince(before, 10)->empty());
}

TEST_F(ApplyTest, BeingDeletedConflicts) {
  MustApply({Sandbox("a")});
  ASSERT_TRUE(store_->Delete(SandboxKey("a")).ok());  // held by the finalizer
  Result<std::vector<ApplyOutcome>> r = store_->Apply({Sandbox("a", R"({"x":1})")}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_EQ(r.status().message(), "sandbox/a is being deleted");
}

TEST_F(ApplyTest, PruneDeletesWhatLeftTheApplyset) {
  ApplyOptions options = Prune("repo");
  MustApply({Sandbox("keep"), Sandbox("gone"), Template("old")}, options);
  MustApply({Sandbox("other")});  // not in the applyset: never pruned
  EXPECT_EQ(store_->Get(SandboxKey("keep"))->metadata.annotations.at(specs::kApplysetAnnotation),
            "repo");

  std::vector<ApplyOutcome> out = MustApply({Sandbox("keep")}, options);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].action, ApplyAction::kUnchanged);
  EXPECT_EQ(out[1].action, ApplyAction::kPruned);
  EXPECT_EQ(out[1].key, SandboxKey("gone"));
  EXPECT_EQ(out[2].action, ApplyAction::kPruned);
  EXPECT_EQ(out[2].key.kind, specs::kKindSandboxTemplate);
  // The sandbox has a finalizer: it is marked; the template is removed.
  EXPECT_TRUE(store_->Get(SandboxKey("gone"))->metadata.deletion_timestamp.has_value());
  EXPECT_EQ(store_->Get({specs::kKindSandboxTemplate, "default", "old"}).status().code(),
            Code::kNotFound);
  EXPECT_TRUE(store_->Get(SandboxKey("other")).ok());

  // Pruning again reports nothing new: "gone" is already being deleted.
  EXPECT_EQ(MustApply({Sandbox("keep")}, options).size(), 1u);
}

TEST_F(ApplyTest, PruneNeedsAnApplyset) {
  Result<std::vector<ApplyOutcome>> r = store_->Apply({Sandbox("a")}, Prune(""));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
}

TEST_F(ApplyTest, ListSortsAndFilters) {
  Object b = Sandbox("b");
  b.metadata.labels = {{"app", "web"}};
  Object a = testing::MakeObject(specs::kKindSandbox, "a", "{}", "team");
  a.metadata.labels = {{"app", "db"}};
  MustApply({b, Sandbox("c"), a, Template("t")});

  Result<std::vector<Object>> all = store_->List(Kind(specs::kKindSandbox));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].metadata.name, "b");  // default < team
  EXPECT_EQ((*all)[1].metadata.name, "c");
  EXPECT_EQ((*all)[2].metadata.name, "a");

  EXPECT_EQ(store_->List(Kind(specs::kKindSandbox, "team"))->size(), 1u);
  ListOptions web = Kind(specs::kKindSandbox, "", "app=web");
  ASSERT_EQ(store_->List(web)->size(), 1u);
  EXPECT_EQ(store_->List(web)->front().metadata.name, "b");
  ListOptions not_web = Kind(specs::kKindSandbox, "", "app!=web");
  EXPECT_EQ(store_->List(not_web)->size(), 2u);
}

TEST_F(ApplyTest, ManyObjectsInOneCall) {
  std::vector<Object> batch;
  for (int i = 0; i < 2000; ++i) {
    Object o = Sandbox("s" + std::to_string(i), R"({"provider":"filesystem","i":)" +
                                                    std::to_string(i) + "}");
    o.metadata.labels = {{"app", "bench"}, {"i", std::to_string(i)}};
    batch.push_back(std::move(o));
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<ApplyOutcome> out = MustApply(batch);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(out.size(), 2000u);
  EXPECT_EQ(Version(), 2000);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  out = MustApply(batch);
  EXPECT_EQ(out.back().action, ApplyAction::kUnchanged);
  EXPECT_EQ(Version(), 2000);
}

}  // namespace
}  // namespace sesame::store
