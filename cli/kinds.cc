#include "cli/kinds.h"

#include "specs/object.h"

namespace sesame::cli {

std::optional<Resource> ParseResource(const std::string& word) {
  if (word == "sandboxes" || word == "sandbox" || word == "sb") return Resource::kSandboxes;
  if (word == "templates" || word == "template" || word == "sandboxtemplates" ||
      word == "sandboxtemplate" || word == "sbt") {
    return Resource::kTemplates;
  }
  if (word == "events" || word == "event" || word == "ev") return Resource::kEvents;
  if (word == "violations" || word == "violation") return Resource::kViolations;
  if (word == "syncs" || word == "sync" || word == "gitsyncs" || word == "gitsync") return Resource::kSyncs;
  return std::nullopt;
}

std::string KindOf(Resource r) {
  return r == Resource::kTemplates ? specs::kKindSandboxTemplate : specs::kKindSandbox;
}

}  // namespace sesame::cli
