// sesame sync [NAME...] [-n NS | -A]: ask the controller to sync GitSyncs now.
#include "cli/command.h"

namespace sesame::cli {
namespace {

int RunSync(Context& ctx, const ParsedFlags& flags) {
  bool all = flags.Has("all-namespaces");
  std::string ns = all ? "" : flags.Get("namespace", specs::kDefaultNamespace);
  std::vector<std::string> names;
  for (std::string name : flags.positional()) {
    for (const char* prefix : {"gitsync/", "gitsyncs/", "sync/", "syncs/"}) {
      if (name.rfind(prefix, 0) == 0) name = name.substr(std::string(prefix).size());
    }
    names.push_back(name);
  }
  if (all && !names.empty()) return ctx.Usage("a NAME cannot be combined with -A");
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  if (names.empty()) {
    auto asked = (*client)->RequestSync(ns, "");
    if (!asked.ok()) return ctx.Fail(asked.status());
    ctx.out << "sync requested for every GitSync" << (all ? "" : " in namespace " + ns) << "\n";
    return kExitOk;
  }
  int code = kExitOk;
  for (const auto& name : names) {
    auto asked = (*client)->RequestSync(ns, name);
    if (!asked.ok()) {
      code = ctx.Fail(asked.status());
      continue;
    }
    ctx.out << "gitsync/" << name << " sync requested\n";
  }
  return code;
}

}  // namespace

Command SyncCommand() {
  return {"sync",
          "Fetch and apply GitSyncs now, instead of at their next interval",
          "sesame sync [NAME|gitsync/NAME...] [-n NS | -A]",
          "Without a NAME, every GitSync of the namespace syncs. The controller fetches\n"
          "the branch, applies a new head, or compares the store with the applied one\n"
          "(re-applying what drifted when selfHeal is on). Follow it with\n"
          "`sesame get syncs`.\n\n"
          "Examples:\n  sesame sync git-fleet\n  sesame sync -A",
          {NamespaceFlag(), {"all-namespaces", 'A', false, "every GitSync of every namespace"}},
          RunSync};
}

}  // namespace sesame::cli
