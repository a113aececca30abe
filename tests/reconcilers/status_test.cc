#include "reconcilers/status.h"

#include <gtest/gtest.h>

namespace sesame::reconcilers {
namespace {

using namespace std::chrono_literals;
const Time kNow = *ParseTime("2026-11-26T10:00:00Z");

TEST(StatusTest, ConditionKeepsTransitionTimeWhileStatusHolds) {
  std::vector<specs::Condition> conditions;
  SetCondition(conditions, {"Ready", "False", "Creating", "", std::nullopt, 1}, kNow);
  SetCondition(conditions, {"Ready", "False", "Pulling", "", std::nullopt, 1}, kNow + 5s);
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].last_transition_time, kNow);
  EXPECT_EQ(conditions[0].reason, "Pulling");
  SetCondition(conditions, {"Ready", "True", "Running", "", std::nullopt, 1}, kNow + 9s);
  EXPECT_EQ(conditions[0].last_transition_time, kNow + 9s);
}

specs::Sandbox Sandbox() {
  specs::Sandbox s;
  s.metadata.generation = 3;
  s.metadata.creation_timestamp = kNow - 1min;
  s.spec.lifetime.ttl = specs::Duration{"1h", 1h};
  return s;
}

TEST(StatusTest, RunningIsReadyAndShowsExpiry) {
  specs::Sandbox s = Sandbox();
  providers::Observed o;
  o.id = "7";
  o.state = providers::ResourceState::kRunning;
  o.endpoints = {{3000, "http://127.0.0.1:3000"}};
  Action action{ActionType::kCreate, specs::Reason::kCreating, "", std::nullopt, ""};
  auto status = ComputeStatus({&s, &o, &action, Status::Ok(), "", kNow});
  EXPECT_EQ(status.phase, specs::Phase::kRunning);
  EXPECT_EQ(status.observed_generation, 3);
  EXPECT_EQ(status.expires_at, kNow + 59min);
  ASSERT_TRUE(status.provider_ref.has_value());
  EXPECT_EQ(status.provider_ref->id, "7");
  EXPECT_EQ(status.FindCondition("Ready")->status, "True");
  EXPECT_EQ(status.FindCondition("Provisioned")->status, "True");
  EXPECT_EQ(status.endpoints.size(), 1u);
  EXPECT_EQ(status.FindCondition("SecurityEnforced"), nullptr);
}

TEST(StatusTest, ExitedCodesGivePhases) {
  specs::Sandbox s = Sandbox();
  providers::Observed o;
  o.state = providers::ResourceState::kExited;
  Action nothing{ActionType::kNothing, specs::Reason::kCompleted, "", std::nullopt, ""};
  o.exit_code = 0;
  EXPECT_EQ(ComputeStatus({&s, &o, &nothing, Status::Ok(), "", kNow}).phase, specs::Phase::kSucceeded);
  o.exit_code = 2;
  auto failed = ComputeStatus({&s, &o, &nothing, Status::Ok(), "", kNow});
  EXPECT_EQ(failed.phase, specs::Phase::kFailed);
  EXPECT_EQ(failed.exit_code, 2);
}

TEST(StatusTest, ErrorsShowInConditionsAndStaleOnesAreCleared) {
  specs::Sandbox s = Sandbox();
  s.status.conditions.push_back({"Expired", "True", "LifetimeEnded", "", kNow, 2});
  Action create{ActionType::kCreate, specs::Reason::kCreating, "", std::nullopt, ""};
  auto status = ComputeStatus({&s, nullptr, &create, UnavailableError("disk full"), "not yet", kNow});
  EXPECT_EQ(status.phase, specs::Phase::kPending);
  EXPECT_EQ(status.FindCondition("Ready")->reason, "CreateFailed");
  EXPECT_EQ(status.FindCondition("Ready")->message, "disk full");
  EXPECT_EQ(status.FindCondition("Expired"), nullptr);
  EXPECT_EQ(status.FindCondition("SecurityEnforced")->reason, "NotImplemented");
  auto terminal = ComputeStatus({&s, nullptr, &create, TerminalError("bad image"), "", kNow});
  EXPECT_EQ(terminal.phase, specs::Phase::kFailed);
}

TEST(StatusTest, ExpiredAndTerminating) {
  specs::Sandbox s = Sandbox();
  Action expire{ActionType::kExpire, specs::Reason::kExpired, "lifetime ended", std::nullopt, ""};
  auto expired = ComputeStatus({&s, nullptr, &expire, Status::Ok(), "", kNow});
  EXPECT_EQ(expired.phase, specs::Phase::kExpired);
  EXPECT_EQ(expired.FindCondition("Expired")->status, "True");
  s.metadata.deletion_timestamp = kNow;
  Action del{ActionType::kDelete, specs::Reason::kDeleting, "", std::nullopt, ""};
  EXPECT_EQ(ComputeStatus({&s, nullptr, &del, Status::Ok(), "", kNow}).phase, specs::Phase::kTerminating);
}

TEST(StatusTest, UnreachableProviderKeepsWhatWasKnownAndSaysWhy) {
  specs::Sandbox s = Sandbox();
  providers::Observed o;
  o.id = "c0ffee";
  o.state = providers::ResourceState::kRunning;
  o.endpoints = {{3000, "http://127.0.0.1:3000"}};
  Action created{ActionType::kCreate, specs::Reason::kCreating, "", std::nullopt, ""};
  s.status = ComputeStatus({&s, &o, &created, Status::Ok(), "", kNow});
  Status down = UnavailableError("cannot reach the Docker daemon at /run/d.sock").WithReason("DaemonUnavailable");

  auto status = UnobservedStatus(s, down, kNow + 5s);
  EXPECT_EQ(status.phase, specs::Phase::kRunning);
  ASSERT_TRUE(status.provider_ref.has_value());
  EXPECT_EQ(status.provider_ref->id, "c0ffee");
  EXPECT_EQ(status.endpoints.size(), 1u);
  EXPECT_EQ(status.FindCondition("Provisioned")->status, "True");
  const specs::Condition* ready = status.FindCondition("Ready");
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, "DaemonUnavailable");
  EXPECT_EQ(ready->message, down.message());
  EXPECT_EQ(ready->last_transition_time, kNow + 5s);
  // A retry changes nothing, so it writes nothing.
  s.status = status;
  EXPECT_EQ(UnobservedStatus(s, down, kNow + 9s), status);

  s.metadata.deletion_timestamp = kNow + 10s;
  EXPECT_EQ(UnobservedStatus(s, down, kNow + 10s).phase, specs::Phase::kTerminating);
  specs::Sandbox fresh = Sandbox();
  auto never_seen = UnobservedStatus(fresh, UnavailableError("connection refused"), kNow);
  EXPECT_EQ(never_seen.phase, specs::Phase::kPending);
  EXPECT_EQ(never_seen.FindCondition("Ready")->reason, "ObserveFailed");
}

}  // namespace
}  // namespace sesame::reconcilers
