// sesame delete TYPE NAME... | TYPE/NAME... | TYPE -l SEL | TYPE --all | -f PATH
#include "cli/command.h"
#include "cli/delete_targets.h"
#include "cli/kinds.h"
#include "cli/wait_for.h"
#include "specs/manifest.h"
#include "specs/quantity.h"

namespace sesame::cli {
namespace {

// The keys the targets stand for: as named, from the manifests, or listed.
Result<std::vector<specs::ObjectKey>> Keys(Client& client, const DeleteTargets& targets, bool recursive) {
  std::vector<specs::ObjectKey> keys;
  switch (targets.way) {
    case DeleteTargets::Way::kNamed:
      return targets.named;
    case DeleteTargets::Way::kFiles: {
      auto parsed = specs::LoadManifests(targets.files, recursive);
      if (!parsed.ok()) return InvalidError(parsed.ErrorText());
      for (const auto& o : parsed.objects) keys.push_back(specs::KeyOf(o));
      return keys;
    }
    case DeleteTargets::Way::kSelector:
    case DeleteTargets::Way::kAll: {
      store::Selector selector;  // --all: the empty selector matches everything
      if (targets.way == DeleteTargets::Way::kSelector) {
        auto parsed = store::Selector::Parse(targets.selector);
        if (!parsed.ok()) return parsed.status();
        selector = *parsed;
      }
      auto list = client.List({KindOf(targets.resource), targets.ns, selector});
      if (!list.ok()) return list.status();
      for (const auto& o : list->items) keys.push_back(specs::KeyOf(o));
      return keys;
    }
  }
  return keys;
}

int RunDelete(Context& ctx, const ParsedFlags& flags) {
  auto targets = ReadDeleteTargets(flags);
  if (!targets.ok()) return ctx.Usage(targets.status().message());
  auto timeout = specs::ParseDuration(flags.Get("timeout", "60s"));
  if (!timeout.ok()) return ctx.Usage("--timeout: " + timeout.status().message());
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  auto keys = Keys(**client, *targets, flags.Has("recursive"));
  if (!keys.ok()) return ctx.Fail(keys.status());
  bool listed = targets->way == DeleteTargets::Way::kSelector || targets->way == DeleteTargets::Way::kAll;
  if (listed && keys->empty()) {
    ctx.err << "No resources found\n";
    return kExitOk;
  }
  // As kubectl: what was listed and is gone before its turn is no error.
  bool ignore_not_found = flags.Has("ignore-not-found") || listed;
  int code = kExitOk;
  std::vector<specs::ObjectKey> deleted;
  for (const auto& key : *keys) {
    Status status = (*client)->Delete(key);
    if (status.ok()) {
      ctx.out << specs::ResourceName(key.kind) << "/" << key.name << " deleted\n";
      deleted.push_back(key);
    } else if (status.code() != Code::kNotFound || !ignore_not_found) {
      ctx.err << ErrorAbout(key, status.message());
      code = kExitFailure;
    }
  }
  if (!flags.Has("wait")) return code;
  // --wait: until each is gone (a sandbox after its provider resource), one
  // after the other, each with what is left of the timeout.
  auto deadline = std::chrono::steady_clock::now() + timeout->value;
  for (const auto& key : deleted) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    Status status = WaitFor(**client, key, {.for_delete = true}, std::max(left, Millis(0)), nullptr);
    if (!status.ok()) {
      ctx.err << ErrorAbout(key, status.message());
      code = kExitFailure;
    }
  }
  return code;
}

}  // namespace

Command DeleteCommand() {
  return {"delete",
          "Delete sandboxes, templates, pools, quotas or syncs",
          "sesame delete TYPE NAME... | TYPE/NAME... | TYPE -l SEL | TYPE --all | -f PATH [-n NS | -A] [--wait]",
          "A sandbox is deleted through a finalizer: it shows Terminating until its\n"
          "provider resource is gone (or left, with deletionPolicy: Orphan); --wait\n"
          "returns when it is gone.\n\n"
          "Examples:\n"
          "  sesame delete sandbox fix-login-bug\n"
          "  sesame delete sandboxes -l app=reviewer\n"
          "  sesame delete sandboxes --all -n team-a\n"
          "  sesame delete pools --all -A",
          {NamespaceFlag(), FilenameFlag(), RecursiveFlag(), SelectorFlag(),
           {"all", 0, false, "delete every object of the type in the namespace"},
           {"all-namespaces", 'A', false, "with --all or -l: in every namespace"},
           {"ignore-not-found", 0, false, "succeed when the object does not exist (the default with --all and -l)"},
           {"wait", 0, false, "wait until the deleted objects are gone"},
           {"timeout", 0, true, "how long --wait waits (default 60s)", "DURATION"}},
          RunDelete};
}

}  // namespace sesame::cli
