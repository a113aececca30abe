#include "specs/pool_schema.h"

#include <limits>

#include "specs/pool.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

using namespace schema;  // NOLINT: the builders read as the table's vocabulary

constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

Schema PoolSpec() {
  return Obj({
      {"replicas", Int(0, 10000), "Warm sandboxes kept ready to be claimed.", true},
      {"maxReplicas", Int(0, 100000),
       "At most this many warm plus claimed sandboxes; absent: no cap but the namespace's quota."},
      {"template", SpecSchema(/*is_template=*/true),
       "The spec of the warm sandboxes: a Sandbox spec without command (each claim brings its own)."},
      {"templateRef", Str(Rule::kDns1123Label), "A SandboxTemplate the template overlays."},
  });
}

Schema QuotaSpec() {
  std::vector<Field> hard = {
      {"sandboxes", Int(0, kNoMax), "Sandboxes in the namespace, warm ones of pools included."},
      {"cpu", Of(FieldType::kQuantity), "The sum of the sandboxes' resources.cpu."},
      {"memory", Of(FieldType::kQuantity), "The sum of the sandboxes' resources.memory."},
      {"pids", Int(0, kNoMax), "The sum of the sandboxes' resources.pids."}};
  for (const char* provider : {"filesystem", "docker", "e2b", "daytona", "vercel"}) {
    hard.push_back({std::string("sandboxes.") + provider, Int(0, kNoMax),
                    std::string("Sandboxes of the ") + provider + " provider."});
  }
  return Obj({{"hard", Obj(std::move(hard)), "The most the namespace's sandboxes may use.", true}});
}

void Error(const FieldLocator& locator, const std::string& path, std::string message,
           std::vector<ManifestError>* errors) {
  errors->push_back({locator.Key(path), path, std::move(message)});
}

}  // namespace

const Schema* PoolKindSpecSchema(const std::string& kind) {
  static const Schema pool = PoolSpec();
  static const Schema quota = QuotaSpec();
  if (kind == kKindSandboxPool) return &pool;
  if (kind == kKindSandboxQuota) return &quota;
  return nullptr;
}

void CheckPoolRules(const json& object, const FieldLocator& locator,
                    std::vector<ManifestError>* errors) {
  if (!object.contains("spec") || !object["spec"].is_object()) return;
  const json& spec = object["spec"];
  std::string kind = object.value("kind", "");
  if (kind == kKindSandboxPool) {
    if (spec.contains("template") && spec["template"].is_object() && spec["template"].contains("command")) {
      Error(locator, "spec.template.command",
            "a pool's template has no command: each sandbox that claims a warm one brings its own", errors);
    }
    if (spec.contains("maxReplicas") && spec.contains("replicas") && spec["maxReplicas"].is_number_integer() &&
        spec["replicas"].is_number_integer() &&
        spec["maxReplicas"].get<int64_t>() < spec["replicas"].get<int64_t>()) {
      Error(locator, "spec.maxReplicas",
            "must be at least replicas (" + std::to_string(spec["replicas"].get<int64_t>()) + "), got " +
                std::to_string(spec["maxReplicas"].get<int64_t>()),
            errors);
    }
  } else if (kind == kKindSandbox && spec.contains("poolRef") && spec.contains("templateRef")) {
    Error(locator, "spec.templateRef",
          "a Sandbox names a pool or a template, not both (give the pool the templateRef)", errors);
  }
}

}  // namespace sesame::specs
