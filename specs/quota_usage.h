#pragma once
// What the sandboxes of one namespace use of a SandboxQuota's amounts, and
// the effective spec of a Sandbox (its template or pool merged under its
// own fields), shared by the store's admission check and the reconcilers.

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "specs/object.h"
#include "specs/pool.h"
#include "specs/sandbox.h"

namespace sesame::specs {

// Finds an object of `kind` named `name` in the sandbox's namespace;
// nullptr when there is none.
using ObjectFinder = std::function<const Object*(const std::string& kind, const std::string& name)>;

// The effective spec JSON of `sandbox`: the SandboxTemplate of its
// templateRef, or the template of its poolRef's pool (as recorded in its
// kPoolTemplateAnnotation, else as the pool is now), overlaid with its own
// spec. kTerminal (reason TemplateNotFound or PoolNotFound) when what it
// names is missing.
Result<std::string> EffectiveSpecJson(const Object& sandbox, const ObjectFinder& find);

// The sum over `specs` (effective Sandbox specs) of what a quota counts.
// cpu, memory and pids count only what the specs set.
QuotaAmounts UsageOf(const std::vector<SandboxSpec>& specs);

// The amounts of `after` that exceed `hard` and grew from `before`, as
// "sandboxes: 21 > 20"; empty when within the quota (or not grown: a quota
// lowered below what already runs refuses only growth).
std::vector<std::string> ExceededAmounts(const QuotaAmounts& hard, const QuotaAmounts& before,
                                         const QuotaAmounts& after);

// UsageOf the effective specs of `sandboxes` (Sandbox objects of one
// namespace). A sandbox whose template or pool is gone counts with its own
// fields.
QuotaAmounts UsageOfObjects(const std::vector<Object>& sandboxes, const ObjectFinder& find);

// "16", "500m", "4Gi": a quantity's value in Kubernetes form.
std::string FormatQuantity(int64_t milli, bool binary);

}  // namespace sesame::specs
