#include "specs/status_vocabulary.h"

#include <utility>

namespace sesame::specs {

namespace {

template <typename E>
using Names = std::pair<E, const char*>;

constexpr Names<Phase> kPhases[] = {
    {Phase::kPending, "Pending"},         {Phase::kProvisioning, "Provisioning"},
    {Phase::kRunning, "Running"},         {Phase::kSucceeded, "Succeeded"},
    {Phase::kFailed, "Failed"},           {Phase::kSuspended, "Suspended"},
    {Phase::kExpired, "Expired"},         {Phase::kTerminating, "Terminating"},
};

constexpr Names<ConditionType> kConditionTypes[] = {
    {ConditionType::kReady, "Ready"},
    {ConditionType::kProvisioned, "Provisioned"},
    {ConditionType::kRuntimeReady, "RuntimeReady"},
    {ConditionType::kSecurityEnforced, "SecurityEnforced"},
    {ConditionType::kExpired, "Expired"},
};

constexpr Names<Reason> kReasons[] = {
    {Reason::kCreating, "Creating"},
    {Reason::kRecreating, "Recreating"},
    {Reason::kDeleting, "Deleting"},
    {Reason::kDeleted, "Deleted"},
    {Reason::kSuspending, "Suspending"},
    {Reason::kResuming, "Resuming"},
    {Reason::kRestarting, "Restarting"},
    {Reason::kRestartRequested, "RestartRequested"},
    {Reason::kProvisioning, "Provisioning"},
    {Reason::kUpToDate, "UpToDate"},
    {Reason::kSpecChanged, "SpecChanged"},
    {Reason::kRunning, "Running"},
    {Reason::kCreated, "Created"},
    {Reason::kSuspended, "Suspended"},
    {Reason::kIdleTimeout, "IdleTimeout"},
    {Reason::kBackOff, "BackOff"},
    {Reason::kCompleted, "Completed"},
    {Reason::kFailed, "Failed"},
    {Reason::kUnknown, "Unknown"},
    {Reason::kTerminating, "Terminating"},
    {Reason::kExpired, "Expired"},
    {Reason::kLifetimeEnded, "LifetimeEnded"},
    {Reason::kResourceMissing, "ResourceMissing"},
    {Reason::kNotSupported, "NotSupported"},
    {Reason::kUnsupported, "Unsupported"},
    {Reason::kNotImplemented, "NotImplemented"},
    {Reason::kObserveFailed, "ObserveFailed"},
    {Reason::kInvalidSpec, "InvalidSpec"},
    {Reason::kClaimed, "Claimed"},
    {Reason::kProviderUnavailable, "ProviderUnavailable"},
};

template <typename E, size_t N>
const char* Text(const Names<E> (&names)[N], E value) {
  for (const auto& [v, text] : names) {
    if (v == value) return text;
  }
  return "Unknown";  // not reached: every value has a row (tests check)
}

template <typename E, size_t N>
std::optional<E> Parse(const Names<E> (&names)[N], std::string_view text) {
  for (const auto& [v, t] : names) {
    if (text == t) return v;
  }
  return std::nullopt;
}

}  // namespace

const char* ToString(Phase p) { return Text(kPhases, p); }
const char* ToString(ConditionType t) { return Text(kConditionTypes, t); }
const char* ToString(Reason r) { return Text(kReasons, r); }

std::optional<Phase> ParsePhase(std::string_view text) { return Parse(kPhases, text); }
std::optional<ConditionType> ParseConditionType(std::string_view text) {
  return Parse(kConditionTypes, text);
}
std::optional<Reason> ParseReason(std::string_view text) { return Parse(kReasons, text); }

}  // namespace sesame::specs
