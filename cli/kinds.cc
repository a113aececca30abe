#include "cli/kinds.h"

#include "specs/gitsync.h"
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

Result<std::string> SandboxName(const std::string& arg, const std::string& verb) {
  auto slash = arg.find('/');
  if (slash == std::string::npos) return arg;
  auto resource = ParseResource(arg.substr(0, slash));
  if (!resource || *resource != Resource::kSandboxes || slash + 1 == arg.size()) {
    return InvalidError("\"" + arg + "\": " + verb + " works on sandboxes (NAME or sandbox/NAME)");
  }
  return arg.substr(slash + 1);
}

Result<std::vector<specs::ObjectKey>> ObjectKeys(const std::vector<std::string>& args, const std::string& ns,
                                                 const std::string& verb) {
  auto object_kind = [](std::optional<Resource> r) {
    return r && *r != Resource::kEvents && *r != Resource::kViolations;
  };
  std::vector<specs::ObjectKey> keys;
  if (args.empty()) return InvalidError(verb + " needs TYPE NAME... or TYPE/NAME...");
  if (args[0].find('/') == std::string::npos) {
    auto resource = ParseResource(args[0]);
    if (!object_kind(resource)) {
      return InvalidError("unknown resource \"" + args[0] + "\" (use sandbox, template, gitsync, pool or quota)");
    }
    if (args.size() < 2) return InvalidError(verb + " needs a NAME after " + args[0]);
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].find('/') != std::string::npos) {
        return InvalidError("\"" + args[i] + "\": give TYPE NAME... or TYPE/NAME..., not both");
      }
      keys.push_back({KindOf(*resource), ns, args[i]});
    }
    return keys;
  }
  for (const auto& arg : args) {
    auto slash = arg.find('/');
    auto typed = slash == std::string::npos ? std::nullopt : ParseResource(arg.substr(0, slash));
    if (!object_kind(typed) || slash + 1 == arg.size()) {
      return InvalidError("\"" + arg + "\": name each object as TYPE/NAME (sandbox/NAME, template/NAME, gitsync/NAME)");
    }
    keys.push_back({KindOf(*typed), ns, arg.substr(slash + 1)});
  }
  return keys;
}

std::string ErrorAbout(const specs::ObjectKey& key, const std::string& message) {
  std::string name = specs::ResourceName(key.kind) + "/" + key.name;
  return "error: " + (message.find(name) != std::string::npos ? message : name + ": " + message) + "\n";
}

Result<std::vector<std::string>> SandboxNames(const std::vector<std::string>& args, const std::string& verb) {
  size_t first = 0;
  if (args.size() > 1 && args[0].find('/') == std::string::npos) {
    auto resource = ParseResource(args[0]);
    if (resource == Resource::kSandboxes) first = 1;
    else if (resource) return InvalidError(verb + " works on sandboxes, not " + args[0]);
  }
  if (first >= args.size()) return InvalidError(verb + " needs a sandbox: NAME or sandbox/NAME");
  std::vector<std::string> names;
  for (size_t i = first; i < args.size(); ++i) {
    auto name = SandboxName(args[i], verb);
    if (!name.ok()) return name.status();
    names.push_back(std::move(name).value());
  }
  return names;
}

std::string KindOf(Resource r) {
  if (r == Resource::kPools) return specs::kKindSandboxPool;
  if (r == Resource::kQuotas) return specs::kKindSandboxQuota;
  if (r == Resource::kSyncs) return specs::kKindGitSync;
  return r == Resource::kTemplates ? specs::kKindSandboxTemplate : specs::kKindSandbox;
}

}  // namespace sesame::cli
