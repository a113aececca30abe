#include "specs/pool_schema.h"

#include <limits>

#include "specs/pool.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

Schema Typed(FieldType type, Rule rule = Rule::kNone) {
  Schema s;
  s.type = type;
  s.rule = rule;
  return s;
}

Schema Count(int64_t max) {
  Schema s = Typed(FieldType::kInt);
  s.max = max;
  return s;
}

Schema PoolSpec() {
  Schema s = Typed(FieldType::kObject);
  s.fields = {
      {"replicas", Count(10000), true},
      {"maxReplicas", Count(100000)},
      {"template", SpecSchema(/*is_template=*/true)},
      {"templateRef", Typed(FieldType::kString, Rule::kDns1123Label)},
  };
  return s;
}

Schema QuotaSpec() {
  constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();
  Schema hard = Typed(FieldType::kObject);
  hard.fields = {{"sandboxes", Count(kNoMax)},
                 {"cpu", Typed(FieldType::kQuantity)},
                 {"memory", Typed(FieldType::kQuantity)},
                 {"pids", Count(kNoMax)}};
  for (const char* provider : {"filesystem", "docker", "e2b", "daytona", "vercel"}) {
    hard.fields.push_back({std::string("sandboxes.") + provider, Count(kNoMax)});
  }
  Schema s = Typed(FieldType::kObject);
  s.fields = {{"hard", hard, true}};
  return s;
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
