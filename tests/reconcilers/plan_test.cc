// The plan as a table: each row is a desired sandbox, an observed resource
// and a time, and the one action the plan must choose.
#include "reconcilers/plan.h"

#include <gtest/gtest.h>

#include <functional>

namespace sesame::reconcilers {
namespace {

using providers::Observed;
using providers::ResourceState;
using specs::RestartPolicy;
using namespace std::chrono_literals;

const Time kCreated = *ParseTime("2026-11-26T10:00:00Z");
const Time kNow = kCreated + 10min;

specs::Sandbox BaseSandbox() {
  specs::Sandbox s;
  s.metadata.name = "box";
  s.metadata.uid = "uid-1";
  s.metadata.generation = 1;
  s.metadata.creation_timestamp = kCreated;
  s.spec.command = {"sleep", "3600"};
  s.status.observed_generation = 1;
  return s;
}

Observed RunningResource(const specs::Sandbox& s) {
  Observed o;
  o.id = "42";
  o.uid = s.metadata.uid;
  o.state = ResourceState::kRunning;
  o.started_at = kCreated;
  o.last_activity = kNow - 1s;
  o.field_hashes = providers::FieldHashes(s.spec);
  return o;
}

struct Row {
  std::string name;
  // Edits the desired sandbox after the resource was made from BaseSandbox.
  std::function<void(specs::Sandbox&)> desired;
  // Edits the observed resource; nullptr-resource rows set `missing`.
  std::function<void(Observed&)> observed;
  bool missing = false;
  ActionType expected;
  std::string reason;  // empty: not checked
  Time now = kNow;
  // The resource was made from the edited spec (for controller-side fields
  // such as lifetime, which change no provider state by themselves).
  bool made_from_desired = false;
};

void Nop(specs::Sandbox&) {}
void Same(Observed&) {}

Action RunRow(const Row& row) {
  specs::Sandbox original = BaseSandbox();
  Observed observed = RunningResource(original);
  row.observed(observed);
  specs::Sandbox desired = original;
  row.desired(desired);
  if (row.made_from_desired) observed.field_hashes = providers::FieldHashes(desired.spec);
  providers::Capabilities caps;
  caps.in_place_fields = {"resources", "lifetime", "ports"};
  PlanInput in{&desired, row.missing ? nullptr : &observed, &caps, providers::FieldHashes(desired.spec),
               row.now};
  return Plan(in);
}

std::vector<Row> Rows() {
  auto exited = [](int code) {
    return [code](Observed& o) {
      o.state = ResourceState::kExited;
      o.exit_code = code;
      o.finished_at = kNow - 1h;
    };
  };
  auto policy = [](RestartPolicy p) { return [p](specs::Sandbox& s) { s.spec.restart_policy = p; }; };
  auto deleting = [](specs::Sandbox& s) { s.metadata.deletion_timestamp = kNow; };
  return {
      {"running and unchanged", Nop, Same, false, ActionType::kNothing, "UpToDate"},
      {"no resource yet", Nop, Same, true, ActionType::kCreate, "Creating"},
      {"no resource, suspended", [](specs::Sandbox& s) { s.spec.suspend = true; }, Same, true,
       ActionType::kNothing, "Suspended"},
      {"resource vanished, Always", [](specs::Sandbox& s) {
         s.status.provider_ref = specs::ProviderRef{"filesystem", "41"};
         s.spec.restart_policy = RestartPolicy::kAlways;
       }, Same, true, ActionType::kCreate, "Recreating"},
      {"resource vanished, Never", [](specs::Sandbox& s) {
         s.status.provider_ref = specs::ProviderRef{"filesystem", "41"};
       }, Same, true, ActionType::kNothing, "ResourceMissing"},
      {"image changed", [](specs::Sandbox& s) { s.spec.image = "node:22"; }, Same, false,
       ActionType::kRecreate, "ImageChanged"},
      {"command changed", [](specs::Sandbox& s) { s.spec.command = {"true"}; }, Same, false,
       ActionType::kRecreate, "CommandChanged"},
      {"env changed", [](specs::Sandbox& s) { s.spec.env.push_back({"A", "1", std::nullopt}); }, Same,
       false, ActionType::kRecreate, "EnvChanged"},
      {"workspace changed", [](specs::Sandbox& s) { s.spec.workspace.path = "/srv/x"; }, Same, false,
       ActionType::kRecreate, "WorkspaceChanged"},
      {"stdin changed", [](specs::Sandbox& s) { s.spec.stdin_open = true; }, Same, false,
       ActionType::kRecreate, "StdinChanged"},
      {"runtime changed", [](specs::Sandbox& s) { s.spec.runtime = "node22"; }, Same, false,
       ActionType::kRecreate, "RuntimeChanged"},
      {"security changed", [](specs::Sandbox& s) { s.spec.security.enabled = false; }, Same, false,
       ActionType::kRecreate, "SecurityChanged"},
      {"agent changed", [](specs::Sandbox& s) { s.spec.agent = "claude"; }, Same, false,
       ActionType::kRecreate, "AgentChanged"},
      {"persistence changed", [](specs::Sandbox& s) { s.spec.persistence.volume = "v"; }, Same, false,
       ActionType::kRecreate, "PersistenceChanged"},
      {"runtimes changed", [](specs::Sandbox& s) { s.spec.runtimes.mise = "auto"; }, Same, false,
       ActionType::kRecreate, "RuntimesChanged"},
      {"two fields changed", [](specs::Sandbox& s) {
         s.spec.image = "x";
         s.spec.command = {"y"};
       }, Same, false, ActionType::kRecreate, "SpecChanged"},
      {"resources changed in place", [](specs::Sandbox& s) { s.spec.resources.pids = 64; }, Same, false,
       ActionType::kUpdate, "ResourcesChanged"},
      {"ports changed in place", [](specs::Sandbox& s) { s.spec.ports = {3000}; }, Same, false,
       ActionType::kUpdate, "PortsChanged"},
      {"lifetime changed in place", [](specs::Sandbox& s) { s.spec.lifetime.ttl = specs::Duration{"9h", 9h}; },
       Same, false, ActionType::kUpdate, "LifetimeChanged"},
      {"in-place and recreate fields: recreate wins", [](specs::Sandbox& s) {
         s.spec.image = "x";
         s.spec.resources.pids = 64;
       }, Same, false, ActionType::kRecreate, "ImageChanged"},
      {"restartPolicy change needs no provider action", policy(RestartPolicy::kAlways), Same, false,
       ActionType::kNothing, "UpToDate"},
      {"suspend", [](specs::Sandbox& s) { s.spec.suspend = true; }, Same, false, ActionType::kSuspend,
       "Suspending"},
      {"already suspended", [](specs::Sandbox& s) { s.spec.suspend = true; },
       [](Observed& o) { o.state = ResourceState::kSuspended; }, false, ActionType::kNothing, ""},
      {"resume", Nop, [](Observed& o) { o.state = ResourceState::kSuspended; }, false,
       ActionType::kResume, "Resuming"},
      {"exit 0, Never", Nop, exited(0), false, ActionType::kNothing, "Completed"},
      {"exit 1, Never", Nop, exited(1), false, ActionType::kNothing, "Failed"},
      {"exit 0, OnFailure", policy(RestartPolicy::kOnFailure), exited(0), false, ActionType::kNothing,
       "Completed"},
      {"exit 1, OnFailure", policy(RestartPolicy::kOnFailure), exited(1), false, ActionType::kRestart,
       "Restarting"},
      {"exit 0, Always", policy(RestartPolicy::kAlways), exited(0), false, ActionType::kRestart,
       "Restarting"},
      {"exit 137, Always", policy(RestartPolicy::kAlways), exited(137), false, ActionType::kRestart,
       "Restarting"},
      {"crash loop backs off", [](specs::Sandbox& s) {
         s.spec.restart_policy = RestartPolicy::kAlways;
         s.status.restarts = 3;
       }, [](Observed& o) {
         o.state = ResourceState::kExited;
         o.exit_code = 1;
         o.finished_at = kNow - 5s;
       }, false, ActionType::kNothing, "BackOff"},
      {"suspended while exited stays", [](specs::Sandbox& s) { s.spec.suspend = true; }, exited(0), false,
       ActionType::kNothing, "Completed"},
      {"ttl passed", [](specs::Sandbox& s) { s.spec.lifetime.ttl = specs::Duration{"5m", 5min}; }, Same,
       false, ActionType::kExpire, "Expired"},
      {"expiresAt passed, no resource", [](specs::Sandbox& s) {
         s.spec.lifetime.expires_at = kNow - 1s;
       }, Same, true, ActionType::kExpire, "Expired"},
      {"idle timeout", [](specs::Sandbox& s) {
         s.spec.lifetime.idle_timeout = specs::Duration{"1m", 1min};
       }, [](Observed& o) { o.last_activity = kNow - 2min; }, false, ActionType::kSuspend, "IdleTimeout",
       kNow, true},
      {"restart requested", [](specs::Sandbox& s) {
         s.metadata.annotations[specs::kRestartedAtAnnotation] = "2026-11-26T10:09:00.000Z";
       }, Same, false, ActionType::kRestart, "RestartRequested"},
      {"restart request already acted on", [](specs::Sandbox& s) {
         s.metadata.annotations[specs::kRestartedAtAnnotation] = "2026-11-26T10:09:00.000Z";
         s.status.restarted_at = "2026-11-26T10:09:00.000Z";
       }, Same, false, ActionType::kNothing, "UpToDate"},
      {"restart request of an exited session", [](specs::Sandbox& s) {
         s.metadata.annotations[specs::kRestartedAtAnnotation] = "2026-11-26T10:09:00.000Z";
       }, exited(0), false, ActionType::kRestart, "RestartRequested"},
      {"restart request while suspended waits", [](specs::Sandbox& s) {
         s.spec.suspend = true;
         s.metadata.annotations[specs::kRestartedAtAnnotation] = "2026-11-26T10:09:00.000Z";
       }, [](Observed& o) { o.state = ResourceState::kSuspended; }, false, ActionType::kNothing, ""},
      {"idle-suspended stays suspended", [](specs::Sandbox& s) {
         s.status.conditions.push_back({"Ready", "False", "IdleTimeout", "", kNow - 5min, 1});
       }, [](Observed& o) { o.state = ResourceState::kSuspended; }, false, ActionType::kNothing, ""},
      {"idle-suspended, resumed after", [](specs::Sandbox& s) {
         s.status.conditions.push_back({"Ready", "False", "IdleTimeout", "", kNow - 5min, 1});
         s.metadata.annotations[specs::kResumedAtAnnotation] = "2026-11-26T10:08:00.000Z";
       }, [](Observed& o) { o.state = ResourceState::kSuspended; }, false, ActionType::kResume, "Resuming"},
      {"idle-suspended, resumed before the suspension", [](specs::Sandbox& s) {
         s.status.conditions.push_back({"Ready", "False", "IdleTimeout", "", kNow - 5min, 1});
         s.metadata.annotations[specs::kResumedAtAnnotation] = "2026-11-26T10:04:00.000Z";
       }, [](Observed& o) { o.state = ResourceState::kSuspended; }, false, ActionType::kNothing, ""},
      {"deleting with resource", deleting, Same, false, ActionType::kDelete, "Deleting"},
      {"deleting without resource", deleting, Same, true, ActionType::kFinalize, "Deleted"},
      {"deleting, Orphan policy", [](specs::Sandbox& s) {
         s.metadata.deletion_timestamp = kNow;
         s.spec.deletion_policy = specs::DeletionPolicy::kOrphan;
       }, Same, false, ActionType::kFinalize, "Deleted"},
      {"a claimed warm resource: its session starts", [](specs::Sandbox& s) { s.spec.command = {"claude"}; },
       [](Observed& o) {
         o.field_hashes.erase("command");
         o.field_hashes[kWarmHash] = "pool-a";
       }, false, ActionType::kStartSession, "Claimed"},
      {"a claimed warm resource being deleted: deleted", deleting,
       [](Observed& o) { o.field_hashes[kWarmHash] = "pool-a"; }, false, ActionType::kDelete, "Deleting"},
      {"deletion wins over expiry", [](specs::Sandbox& s) {
         s.metadata.deletion_timestamp = kNow;
         s.spec.lifetime.expires_at = kNow - 1h;
       }, Same, false, ActionType::kDelete, "Deleting"},
  };
}

TEST(PlanTest, Table) {
  for (const Row& row : Rows()) {
    Action action = RunRow(row);
    EXPECT_EQ(ToString(action.type), std::string(ToString(row.expected))) << row.name;
    if (!row.reason.empty()) {
      EXPECT_EQ(action.ReasonText(), row.reason) << row.name << ": " << action.message;
    }
  }
}

TEST(PlanTest, RequeuesAtTheExpiryInstant) {
  Row row{"ttl ahead", [](specs::Sandbox& s) { s.spec.lifetime.ttl = specs::Duration{"1h", 1h}; }, Same,
          false, ActionType::kNothing, "", kNow, true};
  Action action = RunRow(row);
  ASSERT_TRUE(action.requeue_after.has_value());
  EXPECT_EQ(*action.requeue_after, Millis(50min));
}

TEST(PlanTest, RequeuesAtTheIdleInstant) {
  Row row{"idle ahead", [](specs::Sandbox& s) {
            s.spec.lifetime.idle_timeout = specs::Duration{"30s", 30s};
          }, Same, false, ActionType::kNothing, "", kNow, true};
  Action action = RunRow(row);
  ASSERT_TRUE(action.requeue_after.has_value());
  EXPECT_EQ(*action.requeue_after, Millis(29s));
}

TEST(PlanTest, NoDeadlineNoRequeue) {
  Row row{"plain", Nop, Same, false, ActionType::kNothing, ""};
  EXPECT_FALSE(RunRow(row).requeue_after.has_value());
}

TEST(PlanTest, ExpiryIsTheEarlierOfTtlAndExpiresAt) {
  specs::Sandbox s = BaseSandbox();
  s.spec.lifetime.ttl = specs::Duration{"2h", 2h};
  s.spec.lifetime.expires_at = kCreated + 1h;
  EXPECT_EQ(ExpiryOf(s), kCreated + 1h);
  s.spec.lifetime.expires_at = kCreated + 3h;
  EXPECT_EQ(ExpiryOf(s), kCreated + 2h);
  s.spec.lifetime = {};
  EXPECT_FALSE(ExpiryOf(s).has_value());
}

TEST(PlanTest, RestartBackoffDoublesToACap) {
  EXPECT_EQ(RestartBackoff(0), Millis(10s));
  EXPECT_EQ(RestartBackoff(1), Millis(20s));
  EXPECT_EQ(RestartBackoff(3), Millis(80s));
  EXPECT_EQ(RestartBackoff(30), Millis(5min));
}

}  // namespace
}  // namespace sesame::reconcilers
