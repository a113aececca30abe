#include "cli/delete_targets.h"

namespace sesame::cli {

Result<DeleteTargets> ReadDeleteTargets(const ParsedFlags& flags) {
  const auto& args = flags.positional();
  bool all = flags.Has("all");
  bool every_namespace = flags.Has("all-namespaces");
  bool selector = flags.Has("selector");
  if (all && selector) return InvalidError("cannot set --all and --selector at the same time");
  DeleteTargets targets;
  targets.ns = every_namespace ? "" : flags.Get("namespace", specs::kDefaultNamespace);
  if (flags.Has("filename")) {
    if (!args.empty()) return InvalidError("give either -f PATH or a resource, not both");
    if (all) return InvalidError("cannot set --all and --filename at the same time");
    if (selector) return InvalidError("cannot set --selector and --filename at the same time");
    if (every_namespace) return InvalidError("cannot set --all-namespaces and --filename at the same time");
    targets.way = DeleteTargets::Way::kFiles;
    targets.files = flags.GetAll("filename");
    return targets;
  }
  if (args.empty()) {
    return InvalidError(all ? "delete --all needs a resource type: sesame delete sandboxes --all"
                            : "delete needs a resource and NAME, -l SEL, --all, or -f PATH");
  }
  bool named = args.size() > 1 || args[0].find('/') != std::string::npos;
  if (named) {
    if (all || selector) return InvalidError("name cannot be provided when a selector is specified");
    if (every_namespace) return InvalidError("a resource cannot be retrieved by name across all namespaces");
    auto keys = ObjectKeys(args, targets.ns, "delete");
    if (!keys.ok()) return keys.status();
    targets.named = std::move(*keys);
    return targets;
  }
  if (!all && !selector) return InvalidError("delete needs a NAME (or -l SEL, --all, or -f PATH)");
  auto resource = ParseResource(args[0]);
  if (!resource || *resource == Resource::kEvents || *resource == Resource::kViolations) {
    return InvalidError("unknown resource \"" + args[0] + "\" (use sandbox, template, gitsync, pool or quota)");
  }
  targets.resource = *resource;
  if (all) {
    targets.way = DeleteTargets::Way::kAll;
  } else {
    targets.way = DeleteTargets::Way::kSelector;
    targets.selector = flags.Get("selector");
  }
  return targets;
}

}  // namespace sesame::cli
