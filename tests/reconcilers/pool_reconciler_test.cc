// PoolReconciler against a real store and a clock only the test moves: a
// pool waits with its refill while a claim of it is being started.

#include "reconcilers/pool_reconciler.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "specs/codec.h"
#include "specs/pool.h"
#include "store/store.h"
#include "tests/testing/fake_clock.h"

namespace sesame::reconcilers {
namespace {

using namespace std::chrono_literals;

class PoolReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sesame-pool-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    auto store = store::Store::Open(dir_ + "/state.db", clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    pools_ = std::make_unique<PoolReconciler>(*store_, clock_);
    specs::Object pool;
    pool.kind = specs::kKindSandboxPool;
    pool.metadata.name = "p";
    pool.metadata.namespace_ = "team";
    pool.spec = R"({"replicas": 2, "template": {"provider": "fake"}})";
    ASSERT_TRUE(store_->Apply({pool}, {}).ok());
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Warm (or other) sandboxes not being deleted.
  std::vector<specs::Object> Sandboxes(bool warm) {
    auto all = store_->List({specs::kKindSandbox, "team", {}});
    EXPECT_TRUE(all.ok());
    std::vector<specs::Object> out;
    for (auto& o : *all) {
      if (o.metadata.deletion_timestamp) continue;
      if (o.metadata.labels.count(specs::kPoolLabel) == (warm ? 1u : 0u)) out.push_back(o);
    }
    return out;
  }

  // What the Sandbox reconciler writes once it has looked at `o`.
  void WriteReady(specs::Object o) {
    auto status = specs::DecodeSandboxStatus(o.status);
    ASSERT_TRUE(status.ok());
    status->conditions.push_back({"Ready", "True", "Running", "", clock_.Now(), o.metadata.generation});
    o.status = specs::EncodeSandboxStatus(*status);
    ASSERT_TRUE(store_->UpdateStatus(o).ok());
  }

  specs::Object Claim(const std::string& name) {
    specs::Object o;
    o.kind = specs::kKindSandbox;
    o.metadata.name = name;
    o.metadata.namespace_ = "team";
    o.spec = R"({"poolRef": "p", "command": ["sleep", "60"]})";
    auto applied = store_->Apply({o}, {});
    EXPECT_TRUE(applied.ok()) << applied.status().ToString();
    return applied.ok() ? (*applied)[0].object : o;
  }

  ReconcileOutcome ReconcilePool() { return pools_->Reconcile({specs::kKindSandboxPool, "team", "p"}); }

  // A filled pool: two warm sandboxes, both Ready.
  void Fill() {
    ASSERT_TRUE(ReconcilePool().status.ok());
    ASSERT_EQ(Sandboxes(true).size(), 2u);
    for (const auto& w : Sandboxes(true)) WriteReady(w);
  }

  testing::FakeClock clock_;
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<PoolReconciler> pools_;
};

TEST_F(PoolReconcilerTest, RefillsOnceTheClaimsStatusIsWritten) {
  Fill();
  specs::Object claim = Claim("c1");
  ASSERT_NE(claim.status.find("\"Claimed\""), std::string::npos) << claim.status;
  ASSERT_EQ(Sandboxes(true).size(), 1u);

  ReconcileOutcome waiting = ReconcilePool();
  ASSERT_TRUE(waiting.status.ok());
  EXPECT_EQ(Sandboxes(true).size(), 1u);  // no refill while c1 is being started
  EXPECT_EQ(waiting.requeue_after, kMaxRefillDeferral);

  auto stored = store_->Get({specs::kKindSandbox, "team", "c1"});
  ASSERT_TRUE(stored.ok());
  WriteReady(*stored);
  ReconcileOutcome refilled = ReconcilePool();
  ASSERT_TRUE(refilled.status.ok());
  EXPECT_EQ(Sandboxes(true).size(), 2u);
  EXPECT_FALSE(refilled.requeue_after);
}

TEST_F(PoolReconcilerTest, RefillsAfterTheLongestWaitWhenAClaimNeverGetsAStatus) {
  Fill();
  Claim("c1");
  ASSERT_EQ(ReconcilePool().requeue_after, kMaxRefillDeferral);
  clock_.Advance(kMaxRefillDeferral / 2);
  EXPECT_EQ(ReconcilePool().requeue_after, kMaxRefillDeferral / 2);
  EXPECT_EQ(Sandboxes(true).size(), 1u);
  clock_.Advance(kMaxRefillDeferral / 2);
  ASSERT_TRUE(ReconcilePool().status.ok());
  EXPECT_EQ(Sandboxes(true).size(), 2u);
}

TEST_F(PoolReconcilerTest, AFallbackDoesNotHoldTheRefill) {
  ASSERT_TRUE(ReconcilePool().status.ok());  // two warm, neither Ready: nothing to claim
  specs::Object cold = Claim("c1");
  ASSERT_NE(cold.status.find("PoolEmpty"), std::string::npos) << cold.status;
  ASSERT_TRUE(store_->Delete(specs::KeyOf(Sandboxes(true)[0])).ok());
  ASSERT_EQ(Sandboxes(true).size(), 1u);
  ReconcileOutcome outcome = ReconcilePool();
  ASSERT_TRUE(outcome.status.ok());
  EXPECT_EQ(Sandboxes(true).size(), 2u);
  EXPECT_FALSE(outcome.requeue_after);
}

}  // namespace
}  // namespace sesame::reconcilers
