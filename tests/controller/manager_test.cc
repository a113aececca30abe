// The manager wakes on the store's change signal and does not reconcile a
// sandbox again because a reconcile wrote its status.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "controller/manager.h"
#include "specs/codec.h"
#include "tests/testing/run_command.h"

namespace sesame::controller {
namespace {

// Records Running resources, counts Observe calls per uid.
class CountingProvider final : public providers::Provider {
 public:
  std::string name() const override { return "counting"; }
  providers::Capabilities capabilities() const override { return {}; }
  Result<providers::Observed> Create(const providers::SandboxRequest& request) override {
    std::lock_guard lock(mutex_);
    providers::Observed o;
    o.id = "c-" + request.uid;
    o.uid = request.uid;
    o.key = request.key;
    o.state = providers::ResourceState::kRunning;
    o.started_at = std::chrono::floor<Millis>(Clock::Real().Now());
    o.field_hashes = request.field_hashes;
    return resources_[request.uid] = o;
  }
  Result<std::optional<providers::Observed>> Observe(const std::string& uid) override {
    std::lock_guard lock(mutex_);
    ++observes_[uid];
    auto it = resources_.find(uid);
    if (it == resources_.end()) return std::optional<providers::Observed>();
    return std::optional<providers::Observed>(it->second);
  }
  Result<std::vector<providers::Observed>> ListOwned() override {
    std::lock_guard lock(mutex_);
    std::vector<providers::Observed> all;
    for (const auto& [uid, o] : resources_) all.push_back(o);
    return all;
  }
  Status Update(const providers::Observed&, const providers::SandboxRequest&) override { return Status::Ok(); }
  Status Suspend(const providers::Observed&) override { return Status::Ok(); }
  Status Resume(const providers::Observed&) override { return Status::Ok(); }
  Status Restart(const providers::Observed&, const providers::SandboxRequest&) override { return Status::Ok(); }
  Status Delete(const providers::Observed& o) override {
    std::lock_guard lock(mutex_);
    resources_.erase(o.uid);
    return Status::Ok();
  }
  Result<int> Exec(const providers::Observed&, const providers::ExecRequest&, providers::Streams&) override {
    return UnsupportedError("no");
  }
  Status Logs(const providers::Observed&, const providers::LogOptions&, providers::Streams&) override {
    return UnsupportedError("no");
  }
  Status Attach(const providers::Observed&, providers::Streams&) override { return UnsupportedError("no"); }
  Result<std::string> ReadFile(const providers::Observed&, const std::string&) override {
    return UnsupportedError("no");
  }
  Status WriteFile(const providers::Observed&, const std::string&, const std::string&) override {
    return UnsupportedError("no");
  }

  int Observes(const std::string& uid) {
    std::lock_guard lock(mutex_);
    return observes_[uid];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, providers::Observed> resources_;
  std::map<std::string, int> observes_;
};

specs::Object Box(const std::string& name) {
  specs::Object o;
  o.kind = specs::kKindSandbox;
  o.metadata.name = name;
  o.spec = R"({"provider":"counting"})";
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
    auto provider = std::make_unique<CountingProvider>();
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

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  providers::Registry registry_;
  CountingProvider* provider_ = nullptr;
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

}  // namespace
}  // namespace sesame::controller
