// controller::Manager with the shared in-memory provider: the manager wakes
// on the store's change signal, and a reconcile's own status write does not
// come back as more work (one action costs at most one extra reconcile).

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "controller/manager.h"
#include "specs/codec.h"
#include "tests/testing/fake_provider.h"
#include "tests/testing/run_command.h"

namespace sesame::controller {
namespace {

specs::Object Box(const std::string& name, const std::string& image = "") {
  specs::Object o;
  o.kind = specs::kKindSandbox;
  o.metadata.name = name;
  o.spec = image.empty() ? R"({"provider":"fake"})" : R"({"provider":"fake","image":")" + image + R"("})";
  return o;
}

bool IsReady(const specs::Object& o) {
  auto status = specs::DecodeSandboxStatus(o.status);
  if (!status.ok()) return false;
  const auto* ready = status->FindCondition("Ready");
  return ready && ready->status == "True";
}

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open(dir_.path() + "/state.db");
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    auto provider = std::make_unique<testing::FakeProvider>("fake");
    provider_ = provider.get();
    registry_.Register(std::move(provider));
    reconciler_ = std::make_unique<reconcilers::SandboxReconciler>(
        *store_, registry_, Clock::Real(), reconcilers::ReconcilerOptions{dir_.path(), nullptr});
    ManagerOptions options;
    options.workers = 1;  // keys are reconciled in the order their changes came
    options.resync_period = std::chrono::hours(1);
    manager_ = std::make_unique<Manager>(*store_, *reconciler_, options);
    thread_ = std::thread([this] { (void)manager_->Run(); });
  }
  void TearDown() override {
    manager_->Stop();
    thread_.join();
  }

  // Waits (on the store's change signal, from a second connection as
  // another process would) until `name` is Ready.
  specs::Object WaitReady(store::Store& store, const std::string& name) {
    uint64_t seq = store.ChangeSequence();
    for (int i = 0; i < 600; ++i) {
      auto o = store.Get({specs::kKindSandbox, "default", name});
      if (o.ok() && IsReady(*o)) return *o;
      seq = store.WaitForChange(seq, std::chrono::seconds(1));
    }
    ADD_FAILURE() << name << " never got Ready";
    return {};
  }

  // Applies `name` from another connection and waits until it is Ready.
  // With one worker, keys are reconciled in the order they were queued:
  // once each of three markers applied one after another is Ready,
  // whatever was queued before them (a confirming requeue, then the echo of
  // its status write) has run.
  void Settle(store::Store& store, const std::string& name) {
    for (const std::string& marker : {name + "-1", name + "-2", name + "-3"}) {
      ASSERT_TRUE(store.Apply({Box(marker)}, {}).ok());
      WaitReady(store, marker);
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  providers::Registry registry_;
  testing::FakeProvider* provider_ = nullptr;
  std::unique_ptr<reconcilers::SandboxReconciler> reconciler_;
  std::unique_ptr<Manager> manager_;
  std::thread thread_;
};

TEST_F(ManagerTest, AWriteFromAnotherConnectionIsReconciledAndAStatusWriteIsNot) {
  auto other = store::Store::Open(dir_.path() + "/state.db");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Apply({Box("a")}, {}).ok());
  specs::Object a = WaitReady(**other, "a");
  ASSERT_FALSE(a.metadata.uid.empty());
  // The reconcile that confirms a's create is queued before b's first one
  // ends, so (one worker, in order) it is done once b2, applied after b
  // got Ready, is Ready.
  ASSERT_TRUE((*other)->Apply({Box("b")}, {}).ok());
  WaitReady(**other, "b");
  ASSERT_TRUE((*other)->Apply({Box("b2")}, {}).ok());
  WaitReady(**other, "b2");
  int observed = provider_->Observes(a.metadata.uid);

  // A status write (as a reconcile makes), then a spec write on another
  // sandbox: with one worker, a reconcile of `a` would come before `c`'s.
  auto current = (*other)->Get({specs::kKindSandbox, "default", "a"});
  ASSERT_TRUE(current.ok());
  auto status = specs::DecodeSandboxStatus(current->status);
  ASSERT_TRUE(status.ok());
  status->phase = specs::Phase::kRunning;
  status->observed_generation = current->metadata.generation;
  for (auto& c : status->conditions) c.message = "written by someone else";
  current->status = specs::EncodeSandboxStatus(*status);
  ASSERT_TRUE((*other)->UpdateStatus(*current).ok());
  ASSERT_TRUE((*other)->Apply({Box("c")}, {}).ok());
  WaitReady(**other, "c");
  EXPECT_EQ(provider_->Observes(a.metadata.uid), observed);
}

TEST_F(ManagerTest, OneActionCostsAtMostOneExtraReconcile) {
  auto other = store::Store::Open(dir_.path() + "/state.db");
  ASSERT_TRUE(other.ok());
  // Create: the reconcile that creates, then one that confirms; the status
  // each writes brings no further reconcile.
  ASSERT_TRUE((*other)->Apply({Box("box")}, {}).ok());
  std::string uid = WaitReady(**other, "box").metadata.uid;
  ASSERT_FALSE(uid.empty());
  Settle(**other, "after-create");
  EXPECT_GE(provider_->Observes(uid), 1);
  EXPECT_LE(provider_->Observes(uid), 2);
  EXPECT_EQ(provider_->Calls("Create"), 4);  // box and three markers

  // A spec change (a new image: the resource is replaced): again the
  // reconcile that acts and at most one more.
  int before = provider_->Observes(uid);
  ASSERT_TRUE((*other)->Apply({Box("box", "other:1")}, {}).ok());
  uint64_t seq = (*other)->ChangeSequence();
  for (int i = 0; i < 600 && provider_->Calls("Delete") == 0; ++i) seq = (*other)->WaitForChange(seq, std::chrono::seconds(1));
  WaitReady(**other, "box");
  Settle(**other, "after-change");
  EXPECT_EQ(provider_->Calls("Delete"), 1);
  EXPECT_GE(provider_->Observes(uid) - before, 1);
  EXPECT_LE(provider_->Observes(uid) - before, 2);
}

}  // namespace
}  // namespace sesame::controller
