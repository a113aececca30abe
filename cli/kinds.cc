#include "cli/kinds.h"

#include "specs/object.h"
#include "specs/pool.h"

namespace sesame::cli {

std::optional<Resource> ParseResource(const std::string& word) {
  if (word == "sandboxes" || word == "sandbox" || word == "sb") return Resource::kSandboxes;
  if (word == "templates" || word == "template" || word == "sandboxtemplates" ||
      word == "sandboxtemplate" || word == "sbt") {
    return Resource::kTemplates;
  }
  if (word == "sandboxpools" || word == "sandboxpool" || word == "pools" || word == "pool") return Resource::kPools;
  if (word == "sandboxquotas" || word == "sandboxquota" || word == "quotas" || word == "quota") {
    return Resource::kQuotas;
  }
  if (word == "events" || word == "event" || word == "ev") return Resource::kEvents;
  if (word == "violations" || word == "violation") return Resource::kViolations;
  if (word == "syncs" || word == "sync" || word == "gitsyncs" || word == "gitsync") return Resource::kSyncs;
  return std::nullopt;
}

std::string KindOf(Resource r) {
  if (r == Resource::kPools) return specs::kKindSandboxPool;
  if (r == Resource::kQuotas) return specs::kKindSandboxQuota;
  return r == Resource::kTemplates ? specs::kKindSandboxTemplate : specs::kKindSandbox;
}

}  // namespace sesame::cli
