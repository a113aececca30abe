#pragma once
// The words of a Sandbox's status (DESIGN.md section 2): phases, condition
// types and the reasons the controller itself writes, each as an enum with
// its text in one place. Stored and printed text is the text below; a
// reason a provider or an error brings along stays text (Condition::reason).

#include <optional>
#include <string_view>

namespace sesame::specs {

enum class Phase {
  kPending,
  kProvisioning,
  kRunning,
  kSucceeded,
  kFailed,
  kSuspended,
  kExpired,
  kTerminating,  // last: tests walk up to it
};

enum class ConditionType {
  kReady,
  kProvisioned,
  kRuntimeReady,
  kSecurityEnforced,
  kExpired,  // last: tests walk up to it
};

// Reasons of conditions and events that the controller decides.
enum class Reason {
  // What the plan does (events).
  kCreating,
  kRecreating,
  kDeleting,
  kDeleted,
  kSuspending,
  kResuming,
  kRestarting,
  kRestartRequested,  // `sesame restart` (the sesame.dev/restartedAt annotation)
  kProvisioning,
  kUpToDate,
  kSpecChanged,  // several fields; one field is "<Field>Changed"
  // What the sandbox is (conditions).
  kRunning,
  kCreated,
  kSuspended,
  kIdleTimeout,
  kBackOff,
  kCompleted,
  kFailed,
  kUnknown,
  kTerminating,
  kExpired,
  kLifetimeEnded,
  kResourceMissing,
  kNotSupported,      // RuntimeReady: the provider installs no runtimes
  kUnsupported,       // SecurityEnforced: this host cannot sandbox
  kNotImplemented,    // SecurityEnforced: the provider reports nothing
  kObserveFailed,
  kInvalidSpec,
  kClaimed,  // the session starts in a pool's warm sandbox (specs/pool.h)
  kProviderUnavailable,  // last: tests walk up to it (add new reasons before it)
};

const char* ToString(Phase p);
const char* ToString(ConditionType t);
const char* ToString(Reason r);

std::optional<Phase> ParsePhase(std::string_view text);
std::optional<ConditionType> ParseConditionType(std::string_view text);
std::optional<Reason> ParseReason(std::string_view text);

// A condition's status.
inline constexpr char kConditionTrue[] = "True";
inline constexpr char kConditionFalse[] = "False";
inline constexpr char kConditionUnknown[] = "Unknown";
inline const char* ConditionStatus(bool b) { return b ? kConditionTrue : kConditionFalse; }

}  // namespace sesame::specs
