// SandboxReconciler::Reconcile against the shared in-memory provider and a
// clock that only the test moves: every path of one sandbox's life, without
// processes, containers or waiting.

#include "reconcilers/sandbox_reconciler.h"
#include "reconcilers/plan.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "store/store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_provider.h"

namespace sesame::reconcilers {
namespace {

using namespace std::chrono_literals;
using specs::Phase;

class SandboxReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sesame-reconcile-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    auto store = store::Store::Open(dir_ + "/state.db", clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    auto provider = std::make_unique<testing::FakeProvider>("fake", clock_);
    provider_ = provider.get();
    registry_.Register(std::move(provider));
    ReconcilerOptions options;
    options.home = dir_;
    options.host_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    reconciler_ = std::make_unique<SandboxReconciler>(*store_, registry_, clock_, options);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Applies Sandbox "box" with `spec` (JSON; provider "fake" is added).
  specs::Object Apply(const std::string& spec_json) {
    specs::Object o;
    o.kind = specs::kKindSandbox;
    o.metadata.name = "box";
    o.metadata.namespace_ = "default";
    auto spec = nlohmann::json::parse(spec_json);
    spec["provider"] = "fake";
    o.spec = spec.dump();
    auto applied = store_->Apply({o}, {});
    EXPECT_TRUE(applied.ok()) << applied.status().ToString();
    return applied.ok() ? (*applied)[0].object : o;
  }

  ReconcileOutcome Reconcile() { return reconciler_->Reconcile(Key()); }

  // Reconciles until nothing more is asked for right away (at most 5 times);
  // returns how many reconciles that took.
  int Settle() {
    for (int i = 1; i <= 5; ++i) {
      ReconcileOutcome out = Reconcile();
      EXPECT_TRUE(out.status.ok()) << out.status.ToString();
      if (!out.requeue_after || *out.requeue_after > 0ms) return i;
    }
    ADD_FAILURE() << "still requeued at once after 5 reconciles";
    return 5;
  }

  specs::ObjectKey Key() const { return {specs::kKindSandbox, "default", "box"}; }
  std::optional<specs::Object> Stored() {
    auto o = store_->Get(Key());
    if (!o.ok()) return std::nullopt;
    return *o;
  }
  specs::SandboxStatus StatusOf() {
    auto o = Stored();
    EXPECT_TRUE(o.has_value());
    auto s = specs::DecodeSandboxStatus(o ? o->status : "{}");
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : specs::SandboxStatus{};
  }
  std::string ReadyReason() {
    specs::SandboxStatus status = StatusOf();
    const specs::Condition* c = status.FindCondition(specs::ConditionType::kReady);
    return c ? c->reason : "<none>";
  }
  std::string Uid() { return Stored()->metadata.uid; }
  int64_t Version() { return *store_->CurrentResourceVersion(); }
  std::vector<std::string> EventReasons() {
    std::vector<std::string> out;
    for (const auto& e : Events()) out.push_back(e.reason);
    return out;
  }
  std::vector<store::Event> Events() {
    store::EventFilter filter;
    filter.object = Key();
    auto events = store_->ListEvents(filter);
    return events.ok() ? *events : std::vector<store::Event>{};
  }

  testing::FakeClock clock_;
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  providers::Registry registry_;
  testing::FakeProvider* provider_ = nullptr;
  std::unique_ptr<SandboxReconciler> reconciler_;
};

TEST_F(SandboxReconcilerTest, CreatesThenHasNothingToDo) {
  Apply(R"({"image":"a","ports":[3000]})");
  ReconcileOutcome first = Reconcile();
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.requeue_after, 0ms);  // look again: confirm it took
  EXPECT_EQ(provider_->Calls("Create"), 1);
  specs::SandboxStatus s = StatusOf();
  EXPECT_EQ(s.phase, Phase::kRunning);
  EXPECT_EQ(ReadyReason(), "Running");
  ASSERT_TRUE(s.provider_ref.has_value());
  EXPECT_EQ(s.provider_ref->id, provider_->Find(Uid())->id);
  ASSERT_EQ(s.endpoints.size(), 1u);
  EXPECT_EQ(s.endpoints[0].port, 3000);

  // The confirming reconcile calls no action and writes nothing.
  int64_t version = Version();
  ReconcileOutcome second = Reconcile();
  EXPECT_TRUE(second.status.ok());
  EXPECT_FALSE(second.requeue_after.has_value());
  EXPECT_EQ(provider_->Actions(), 1);
  EXPECT_EQ(Version(), version);
}

TEST_F(SandboxReconcilerTest, PatchesAFieldInPlaceWhenTheProviderCan) {
  providers::Capabilities caps;
  caps.in_place_fields = {"image"};
  provider_->set_capabilities(caps);
  Apply(R"({"image":"a"})");
  Settle();
  std::string id = provider_->Find(Uid())->id;
  Apply(R"({"image":"b"})");
  Settle();
  EXPECT_EQ(provider_->Calls("Update"), 1);
  EXPECT_EQ(provider_->Calls("Create"), 1);
  EXPECT_EQ(provider_->Find(Uid())->id, id);
  EXPECT_EQ(provider_->LastRequest(Uid())->spec.image, "b");
  EXPECT_EQ(StatusOf().phase, Phase::kRunning);
  EXPECT_EQ(EventReasons().front(), "ImageChanged");
}

TEST_F(SandboxReconcilerTest, RecreatesWhenTheProviderCannotPatch) {
  Apply(R"({"image":"a"})");
  Settle();
  std::string id = provider_->Find(Uid())->id;
  Apply(R"({"image":"b","command":["sh"]})");
  EXPECT_EQ(Settle(), 2);  // the action, then one look that confirms it
  EXPECT_EQ(provider_->Calls("Delete"), 1);
  EXPECT_EQ(provider_->Calls("Create"), 2);
  EXPECT_NE(provider_->Find(Uid())->id, id);
  EXPECT_EQ(StatusOf().provider_ref->id, provider_->Find(Uid())->id);
  EXPECT_EQ(EventReasons().front(), "SpecChanged");
}

TEST_F(SandboxReconcilerTest, ExpiresAfterItsTtlAndCleansUp) {
  Apply(R"({"lifetime":{"ttl":"1h"}})");
  Settle();
  clock_.Advance(59min);
  Settle();
  EXPECT_EQ(provider_->Actions(), 1);
  clock_.Advance(2min);
  ReconcileOutcome expire = Reconcile();
  EXPECT_TRUE(expire.status.ok()) << expire.status.ToString();
  // Marked Expired and deleted; the finalizer keeps it until the resource is gone.
  auto stored = Stored();
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->metadata.deletion_timestamp.has_value());
  EXPECT_EQ(StatusOf().phase, Phase::kExpired);
  Settle();
  EXPECT_EQ(provider_->Calls("Delete"), 1);
  EXPECT_EQ(provider_->size(), 0u);
  EXPECT_FALSE(Stored().has_value());
}

TEST_F(SandboxReconcilerTest, SuspendsWhenIdleAndStaysSuspended) {
  Apply(R"({"lifetime":{"idleTimeout":"30m"}})");
  ReconcileOutcome created = Reconcile();
  ASSERT_TRUE(created.status.ok());
  ReconcileOutcome idle = Reconcile();
  ASSERT_TRUE(idle.requeue_after.has_value());  // wakes at the idle deadline
  EXPECT_EQ(*idle.requeue_after, 30min);
  clock_.Advance(20min);
  provider_->Touch(Uid());  // output: the idle clock starts again
  clock_.Advance(20min);
  Settle();
  EXPECT_EQ(provider_->Calls("Suspend"), 0);
  clock_.Advance(11min);
  Settle();
  EXPECT_EQ(provider_->Calls("Suspend"), 1);
  EXPECT_EQ(StatusOf().phase, Phase::kSuspended);
  EXPECT_EQ(ReadyReason(), "IdleTimeout");
  clock_.Advance(1h);
  Settle();
  EXPECT_EQ(provider_->Calls("Resume"), 0);
}

TEST_F(SandboxReconcilerTest, RestartsWithBackoff) {
  Apply(R"({"command":["false"],"restartPolicy":"Always"})");
  Settle();
  provider_->Exit(Uid(), 1);
  Settle();  // the first restart is immediate
  EXPECT_EQ(provider_->Calls("Restart"), 1);
  EXPECT_EQ(StatusOf().restarts, 1);
  provider_->Exit(Uid(), 1);
  ReconcileOutcome wait = Reconcile();
  ASSERT_TRUE(wait.status.ok());
  EXPECT_EQ(wait.requeue_after, RestartBackoff(1));  // 20 s after the second exit
  EXPECT_EQ(provider_->Calls("Restart"), 1);
  EXPECT_EQ(StatusOf().phase, Phase::kRunning);
  EXPECT_EQ(ReadyReason(), "BackOff");
  clock_.Advance(RestartBackoff(1) - 1s);
  Settle();
  EXPECT_EQ(provider_->Calls("Restart"), 1);
  clock_.Advance(1s);
  Settle();
  EXPECT_EQ(provider_->Calls("Restart"), 2);
  EXPECT_EQ(StatusOf().restarts, 2);
}

TEST_F(SandboxReconcilerTest, ARestartThatChangesTheResourceIdSaysSoInItsEvent) {
  Apply(R"({"command":["false"],"restartPolicy":"Always"})");
  Settle();
  std::string before = provider_->Find(Uid())->id;
  provider_->set_new_id_on_restart(true);
  provider_->Exit(Uid(), 1);
  Settle();
  ASSERT_EQ(provider_->Calls("Restart"), 1);
  std::string now = provider_->Find(Uid())->id;
  ASSERT_NE(now, before);
  bool said = false;
  for (const auto& e : Events()) {
    said |= e.message.find("restarted fake sandbox " + now + " (was " + before + ")") != std::string::npos;
  }
  EXPECT_TRUE(said) << "no restart event names " << now << " and " << before;
}

TEST_F(SandboxReconcilerTest, NeverRestartsWhenThePolicyIsNever) {
  Apply(R"({"command":["false"]})");
  Settle();
  provider_->Exit(Uid(), 3);
  Settle();
  EXPECT_EQ(provider_->Calls("Restart"), 0);
  EXPECT_EQ(StatusOf().phase, Phase::kFailed);
  EXPECT_EQ(StatusOf().exit_code, 3);
}

TEST_F(SandboxReconcilerTest, DeletionRemovesTheResourceThenTheFinalizer) {
  Apply(R"({})");
  Settle();
  ASSERT_TRUE(store_->Delete(Key()).ok());
  ASSERT_TRUE(Stored().has_value());  // held by the finalizer
  Settle();
  EXPECT_EQ(provider_->Calls("Delete"), 1);
  EXPECT_EQ(provider_->size(), 0u);
  EXPECT_FALSE(Stored().has_value());
}

TEST_F(SandboxReconcilerTest, DeletionWithOrphanPolicyLeavesTheResource) {
  Apply(R"({"deletionPolicy":"Orphan"})");
  Settle();
  ASSERT_TRUE(store_->Delete(Key()).ok());
  Settle();
  EXPECT_EQ(provider_->Calls("Delete"), 0);
  EXPECT_EQ(provider_->size(), 1u);
  EXPECT_FALSE(Stored().has_value());
}

TEST_F(SandboxReconcilerTest, AdoptsTheResourceOfACrashedController) {
  // The controller made the resource, then died before writing status.
  specs::Object o = Apply(R"({"image":"a"})");
  auto spec = specs::DecodeSandboxSpec(o.spec);
  ASSERT_TRUE(spec.ok());
  providers::Observed existing;
  existing.id = "left-behind";
  existing.uid = o.metadata.uid;
  existing.key = Key();
  existing.state = providers::ResourceState::kRunning;
  existing.started_at = clock_.Now();
  existing.field_hashes = providers::FieldHashes(*spec);
  provider_->Put(existing);
  Settle();
  EXPECT_EQ(provider_->Actions(), 0);
  EXPECT_EQ(StatusOf().phase, Phase::kRunning);
  EXPECT_EQ(StatusOf().provider_ref->id, "left-behind");
}

TEST_F(SandboxReconcilerTest, AFailedCreateIsRetriedAndSaysWhy) {
  Apply(R"({})");
  provider_->FailNext("Create", UnavailableError("the API is down"));
  ReconcileOutcome failed = Reconcile();
  EXPECT_EQ(failed.status.code(), Code::kUnavailable);
  EXPECT_EQ(StatusOf().phase, Phase::kPending);
  EXPECT_EQ(ReadyReason(), "CreateFailed");
  provider_->FailNext("Create", Status::Ok());
  Settle();
  EXPECT_EQ(StatusOf().phase, Phase::kRunning);
  EXPECT_EQ(provider_->size(), 1u);
}

TEST_F(SandboxReconcilerTest, AnUnreachableProviderKeepsTheStatusAndSaysWhy) {
  Apply(R"({})");
  Settle();
  provider_->FailNext("Observe", UnavailableError("engine gone").WithReason("DaemonUnavailable"));
  ReconcileOutcome failed = Reconcile();
  EXPECT_EQ(failed.status.code(), Code::kUnavailable);
  EXPECT_EQ(StatusOf().phase, Phase::kRunning);
  EXPECT_EQ(ReadyReason(), "DaemonUnavailable");
  // A retry with nothing new writes nothing (it would requeue at once).
  int64_t version = Version();
  Reconcile();
  EXPECT_EQ(Version(), version);
}

}  // namespace
}  // namespace sesame::reconcilers
