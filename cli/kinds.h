#pragma once
// Resource names on the command line ("sandboxes", "sandbox", "sb",
// "templates", ...) and the kinds they mean.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "specs/object.h"

namespace sesame::cli {

enum class Resource { kSandboxes, kTemplates, kEvents, kViolations, kSyncs, kPools, kQuotas };

std::optional<Resource> ParseResource(const std::string& word);
// "Sandbox", "SandboxTemplate", "SandboxPool" or "SandboxQuota"; events have no kind.
std::string KindOf(Resource r);

// A sandbox named on the command line: "NAME", "sandbox/NAME" (or
// "sandboxes/NAME", "sb/NAME"); another type is an error naming the verb.
Result<std::string> SandboxName(const std::string& arg, const std::string& verb);
// The objects named by "TYPE NAME..." or "TYPE/NAME..." (each its own
// type: sandbox/a template/b); events and violations are not objects.
Result<std::vector<specs::ObjectKey>> ObjectKeys(const std::vector<std::string>& args, const std::string& ns,
                                                 const std::string& verb);

// "error: TYPE/NAME: MESSAGE" for one of several objects, without naming
// it twice when the message already does ("sandbox/x not found").
std::string ErrorAbout(const specs::ObjectKey& key, const std::string& message);

// The sandboxes named by a verb's arguments: "NAME...", "sandbox/NAME...",
// or "sandbox NAME..." (the type first, as `delete` takes it). At least one.
Result<std::vector<std::string>> SandboxNames(const std::vector<std::string>& args, const std::string& verb);

}  // namespace sesame::cli
