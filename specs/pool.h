#pragma once
// The SandboxPool and SandboxQuota kinds (DESIGN.md section 9): typed specs
// and statuses, their JSON codecs, and the names that tie a pool to its warm
// sandboxes.
//
// A pool keeps `replicas` warm sandboxes: ordinary Sandbox objects named
// POOL-xxxxxxxx, labelled kPoolLabel: POOL, whose spec is WarmSpecJson of
// the pool. A Sandbox with spec.poolRef that is created while a compatible
// warm one is Ready takes over that warm sandbox's uid (and so its provider
// resource) in the same store transaction that creates it, and the warm
// object's row goes away; see store/claim.cc.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "specs/object.h"
#include "specs/quantity.h"
#include "specs/sandbox.h"

namespace sesame::specs {

inline constexpr char kKindSandboxPool[] = "SandboxPool";
inline constexpr char kKindSandboxQuota[] = "SandboxQuota";
// On each warm sandbox: the name of its pool.
inline constexpr char kPoolLabel[] = "sesame.dev/pool";
// On a Sandbox with poolRef, set when it is created: its pool's template
// (PoolTemplateJson) as it was then, so that the sandbox keeps running as
// made when the pool changes or goes. Apply keeps it; diff ignores it.
inline constexpr char kPoolTemplateAnnotation[] = "sesame.dev/pool-template";
// The condition a Sandbox with poolRef carries: True (reason Claimed) when
// it took a warm sandbox, False (reason PoolEmpty) when it was created cold.
inline constexpr char kClaimedCondition[] = "Claimed";
// A pool's conditions: Ready (reason Filled, or Filling while warm
// sandboxes are missing), and QuotaExceeded (reason QuotaExceeded) while a
// quota refuses some.
inline constexpr char kPoolFilled[] = "Filled";
inline constexpr char kPoolFilling[] = "Filling";
inline constexpr char kQuotaExceeded[] = "QuotaExceeded";

struct SandboxPoolSpec {
  int64_t replicas = 0;
  // Warm + claimed at most; absent: no cap but the namespace's quota.
  std::optional<int64_t> max_replicas;
  std::string template_spec = "{}";  // spec.template: a Sandbox spec without command (JSON)
  std::string template_ref;          // spec.templateRef: a SandboxTemplate
};

struct SandboxPoolStatus {
  int64_t warm = 0;     // Ready and not claimed
  int64_t claimed = 0;  // sandboxes that took a warm one and still exist
  int64_t observed_generation = 0;
  std::vector<Condition> conditions;
  bool operator==(const SandboxPoolStatus&) const = default;
};

// Amounts a quota limits and counts. Absent: not limited (in `hard`).
struct QuotaAmounts {
  std::optional<int64_t> sandboxes;
  std::map<std::string, int64_t> sandboxes_by_provider;  // "sandboxes.docker": 5
  std::optional<Quantity> cpu;
  std::optional<Quantity> memory;
  std::optional<int64_t> pids;
  bool operator==(const QuotaAmounts&) const = default;
};

struct SandboxQuotaStatus {
  QuotaAmounts used;
  bool operator==(const SandboxQuotaStatus&) const = default;
};

Result<SandboxPoolSpec> DecodePoolSpec(std::string_view spec_json);
Result<SandboxPoolStatus> DecodePoolStatus(std::string_view status_json);
std::string EncodePoolStatus(const SandboxPoolStatus& status);

Result<QuotaAmounts> DecodeQuotaHard(std::string_view spec_json);  // spec.hard
std::string EncodeQuotaStatus(const SandboxQuotaStatus& status);
Result<SandboxQuotaStatus> DecodeQuotaStatus(std::string_view status_json);

// The own spec of every warm sandbox of `pool`: its template, plus its
// templateRef.
std::string WarmSpecJson(const SandboxPoolSpec& pool);

// The pool's template as a full Sandbox spec: the SandboxTemplate it names
// (`tmpl`, or nullptr) overlaid with the inline template.
std::string PoolTemplateJson(const SandboxPoolSpec& pool, const Object* tmpl);

// Why a Sandbox's own spec (JSON, with poolRef) cannot run in a warm
// sandbox made from `pool_template` (a full spec, PoolTemplateJson); empty
// when it can: besides poolRef it may set only command, env and lifetime,
// and fields equal to the template's.
std::string IncompatibleWithPool(std::string_view own_spec, std::string_view pool_template);

// The poolRef of a Sandbox's own spec JSON, or empty.
std::string PoolRefOf(std::string_view own_spec);

}  // namespace sesame::specs
