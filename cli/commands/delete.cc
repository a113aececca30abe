// sesame delete sandbox NAME | -f PATH | sandboxes -l SEL
#include "cli/command.h"
#include "cli/kinds.h"
#include "specs/manifest.h"

namespace sesame::cli {
namespace {

// The keys a delete names: by NAME, by selector or by the manifests in -f.
Result<std::vector<specs::ObjectKey>> Targets(Client& client, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  std::vector<specs::ObjectKey> keys;
  if (flags.Has("filename")) {
    if (!args.empty()) return InvalidError("give either -f PATH or a resource, not both");
    auto parsed = specs::LoadManifests(flags.GetAll("filename"), flags.Has("recursive"));
    if (!parsed.ok()) return InvalidError(parsed.ErrorText());
    for (const auto& o : parsed.objects) keys.push_back(specs::KeyOf(o));
    return keys;
  }
  if (args.empty()) return InvalidError("delete needs a resource and NAME, -l SEL, or -f PATH");
  std::string ns = flags.Get("namespace", specs::kDefaultNamespace);
  if (!flags.Has("selector")) {
    if (args.size() == 1 && args[0].find('/') == std::string::npos) {
      return InvalidError("delete needs a NAME (or -l SEL, or -f PATH)");
    }
    return ObjectKeys(args, ns, "delete");
  }
  auto resource = ParseResource(args[0]);
  if (!resource || *resource == Resource::kEvents || *resource == Resource::kViolations) {
    return InvalidError("unknown resource \"" + args[0] + "\" (use sandbox, template or gitsync)");
  }
  if (args.size() > 1) return InvalidError("give either NAME or -l SEL, not both");
  auto selector = store::Selector::Parse(flags.Get("selector"));
  if (!selector.ok()) return selector.status();
  auto list = client.List({KindOf(*resource), ns, *selector});
  if (!list.ok()) return list.status();
  for (const auto& o : list->items) keys.push_back(specs::KeyOf(o));
  return keys;
}

int RunDelete(Context& ctx, const ParsedFlags& flags) {
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  auto keys = Targets(**client, flags);
  if (!keys.ok()) return ctx.Fail(keys.status());
  int code = kExitOk;
  for (const auto& key : *keys) {
    Status status = (*client)->Delete(key);
    std::string name = specs::ResourceName(key.kind) + "/" + key.name;
    if (status.ok()) {
      ctx.out << name << " deleted\n";
    } else if (status.code() == Code::kNotFound && flags.Has("ignore-not-found")) {
      continue;
    } else {
      ctx.err << ErrorAbout(key, status.message());
      code = kExitFailure;
    }
  }
  return code;
}

}  // namespace

Command DeleteCommand() {
  return {"delete",
          "Delete sandboxes or templates",
          "sesame delete TYPE NAME... | TYPE/NAME... | TYPE -l SEL | -f PATH [-n NS]",
          "A sandbox is deleted through a finalizer: it shows Terminating until its\n"
          "provider resource is gone (or left, with deletionPolicy: Orphan).",
          {NamespaceFlag(), FilenameFlag(), RecursiveFlag(), SelectorFlag(),
           {"ignore-not-found", 0, false, "succeed when the object does not exist"}},
          RunDelete};
}

}  // namespace sesame::cli
