// Claims and quotas inside the store's write transactions.
#include <gtest/gtest.h>

#include "specs/codec.h"
#include "specs/pool.h"
#include "store/store.h"
#include "tests/store/test_util.h"

namespace sesame::store {
namespace {

using testing::FakeClock;
using testing::MakeObject;
using testing::Sandbox;
using testing::SandboxKey;
using testing::TempDir;

constexpr char kPoolSpec[] = R"({"replicas":2,"template":{"provider":"filesystem"}})";
constexpr char kWarmSpec[] = R"({"provider":"filesystem"})";

class PoolStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("state.db"), clock_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Apply({MakeObject(specs::kKindSandboxPool, "p", kPoolSpec)}, {}).ok());
  }

  // A warm sandbox of pool p, Ready or not.
  std::string AddWarm(const std::string& name, bool ready) {
    Object w = Sandbox(name, kWarmSpec);
    w.metadata.labels[specs::kPoolLabel] = "p";
    auto applied = store_->Apply({w}, {});
    EXPECT_TRUE(applied.ok()) << applied.status().message();
    Object stored = applied->front().object;
    specs::SandboxStatus status;
    status.conditions.push_back({"Ready", ready ? "True" : "False", "Running", "", std::nullopt, 1});
    stored.status = specs::EncodeSandboxStatus(status);
    EXPECT_TRUE(store_->UpdateStatus(stored).ok());
    return stored.metadata.uid;
  }

  Result<Object> ApplyClaim(const std::string& name, const std::string& extra = "") {
    auto applied = store_->Apply(
        {Sandbox(name, R"({"poolRef":"p","command":["true"])" + extra + "}")}, {});
    if (!applied.ok()) return applied.status();
    return applied->front().object;
  }

  std::string Claimed(const Object& o) {
    auto status = specs::DecodeSandboxStatus(o.status);
    const specs::Condition* c = status.ok() ? status->FindCondition(specs::kClaimedCondition) : nullptr;
    return c ? c->status + "/" + c->reason : "<none>";
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(PoolStoreTest, ClaimTakesTheUidOfAReadyWarmSandboxAndRemovesIt) {
  AddWarm("p-starting", false);
  std::string uid = AddWarm("p-ready", true);
  auto claim = ApplyClaim("job");
  ASSERT_TRUE(claim.ok()) << claim.status().message();
  EXPECT_EQ(claim->metadata.uid, uid);
  EXPECT_EQ(Claimed(*claim), "True/Claimed");
  EXPECT_EQ(store_->Get(SandboxKey("p-ready")).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->Get(SandboxKey("p-starting")).ok());
  // The pool's template is recorded, and kept by the next apply.
  EXPECT_EQ(claim->metadata.annotations.at(specs::kPoolTemplateAnnotation), kWarmSpec);
  auto again = store_->Apply({Sandbox("job", R"({"poolRef":"p","command":["true"]})")}, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->front().action, ApplyAction::kUnchanged);
}

TEST_F(PoolStoreTest, NoReadyWarmSandboxMeansACreateWithPoolEmpty) {
  std::string not_ready = AddWarm("p-starting", false);
  auto claim = ApplyClaim("job");
  ASSERT_TRUE(claim.ok());
  EXPECT_NE(claim->metadata.uid, not_ready);
  EXPECT_EQ(Claimed(*claim), "False/PoolEmpty");
}

TEST_F(PoolStoreTest, EachWarmSandboxGoesToOneClaim) {
  std::string uid = AddWarm("p-ready", true);
  auto first = ApplyClaim("a");
  auto second = ApplyClaim("b");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->metadata.uid, uid);
  EXPECT_NE(second->metadata.uid, uid);
  EXPECT_EQ(Claimed(*second), "False/PoolEmpty");
}

TEST_F(PoolStoreTest, AnIncompatibleSpecDoesNotClaim) {
  std::string uid = AddWarm("p-ready", true);
  auto claim = ApplyClaim("job", R"(,"image":"other")");
  ASSERT_TRUE(claim.ok());
  EXPECT_NE(claim->metadata.uid, uid);
  EXPECT_EQ(Claimed(*claim), "False/PoolEmpty");
  auto status = specs::DecodeSandboxStatus(claim->status);
  EXPECT_NE(status->FindCondition("Claimed")->message.find("image"), std::string::npos);
  // Setting a field to the template's own value is no difference.
  auto same = ApplyClaim("same", R"(,"provider":"filesystem")");
  EXPECT_EQ(same->metadata.uid, uid);
}

TEST_F(PoolStoreTest, ADryRunClaimsNothing) {
  std::string uid = AddWarm("p-ready", true);
  ApplyOptions dry;
  dry.dry_run = true;
  ASSERT_TRUE(store_->Apply({Sandbox("job", R"({"poolRef":"p"})")}, dry).ok());
  EXPECT_TRUE(store_->Get(SandboxKey("p-ready")).ok());
  EXPECT_EQ(ApplyClaim("job")->metadata.uid, uid);
}

TEST_F(PoolStoreTest, QuotaRefusesTheWholeApplyWithTheNumbers) {
  ASSERT_TRUE(store_->Apply({MakeObject(specs::kKindSandboxQuota, "q",
                                        R"({"hard":{"sandboxes":2,"sandboxes.docker":1,"memory":"1Gi"}})")},
                            {}).ok());
  ASSERT_TRUE(store_->Apply({Sandbox("a"), Sandbox("b")}, {}).ok());
  auto refused = store_->Apply({Sandbox("c")}, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(refused.status().message(),
            "exceeded quota sandboxquota/q: sandboxes: 3 > 2 (now 2); nothing was changed");
  EXPECT_EQ(store_->Get(SandboxKey("c")).status().code(), Code::kNotFound);
  // Replacing one within the same apply stays within.
  ASSERT_TRUE(store_->Delete(SandboxKey("b")).ok());
  ASSERT_TRUE(store_->Update([&] {
    auto b = *store_->Get(SandboxKey("b"));
    b.metadata.finalizers.clear();
    return b;
  }()).ok());
  auto docker = store_->Apply({Sandbox("c", R"({"provider":"docker","resources":{"memory":"2Gi"}})")}, {});
  ASSERT_FALSE(docker.ok());
  EXPECT_NE(docker.status().message().find("memory: 2Gi > 1Gi (now 0)"), std::string::npos)
      << docker.status().message();
  // Growing a spec by Update is refused too.
  ASSERT_TRUE(store_->Apply({Sandbox("c", R"({"resources":{"memory":"512Mi"}})")}, {}).ok());
  auto c = *store_->Get(SandboxKey("c"));
  c.spec = R"({"resources":{"memory":"4Gi"}})";
  EXPECT_EQ(store_->Update(c).status().code(), Code::kPermissionDenied);
}

TEST_F(PoolStoreTest, AQuotaBelowUsageRefusesOnlyGrowth) {
  ASSERT_TRUE(store_->Apply({Sandbox("a"), Sandbox("b")}, {}).ok());
  ASSERT_TRUE(store_->Apply({MakeObject(specs::kKindSandboxQuota, "q", R"({"hard":{"sandboxes":1}})")}, {}).ok());
  ASSERT_TRUE(store_->Apply({Sandbox("a", R"({"command":["true"]})")}, {}).ok());
  EXPECT_EQ(store_->Apply({Sandbox("c")}, {}).status().code(), Code::kPermissionDenied);
}

}  // namespace
}  // namespace sesame::store
