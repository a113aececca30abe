#pragma once
// Resource names on the command line ("sandboxes", "sandbox", "sb",
// "templates", ...) and the kinds they mean.

#include <optional>
#include <string>

namespace sesame::cli {

enum class Resource { kSandboxes, kTemplates, kEvents, kViolations, kSyncs, kPools, kQuotas };

std::optional<Resource> ParseResource(const std::string& word);
// "Sandbox", "SandboxTemplate", "SandboxPool" or "SandboxQuota"; events have no kind.
std::string KindOf(Resource r);

}  // namespace sesame::cli
