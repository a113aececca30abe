// sesame apply -f PATH... [-R] [--dry-run] [--prune --applyset NAME]
#include "cli/command.h"
#include "cli/wait_for.h"
#include "specs/quantity.h"
#include "specs/manifest.h"

namespace sesame::cli {
namespace {

// apply --wait: a progress line per sandbox as its phase changes, until
// every applied sandbox is Ready (or one fails, or the timeout passes).
// All are waited for at once, over one watch.
int WaitForReady(Context& ctx, Client& client, const std::vector<store::ApplyOutcome>& outcomes,
                 const std::string& timeout_text) {
  auto timeout = specs::ParseDuration(timeout_text);
  if (!timeout.ok()) return ctx.Usage("--timeout: " + timeout.status().message());
  std::vector<specs::ObjectKey> keys;
  for (const auto& o : outcomes) {
    if (o.key.kind == specs::kKindSandbox && o.action != store::ApplyAction::kPruned) keys.push_back(o.key);
  }
  int code = kExitOk;
  WaitForAll(
      client, keys, WaitCondition{}, timeout->value,
      [&](const specs::ObjectKey& key, const std::string& phase) {
        ctx.out << "sandbox/" << key.name << " " << phase << std::endl;
      },
      [&](const specs::ObjectKey& key, const Status& status) {
        if (status.ok()) {
          ctx.out << "sandbox/" << key.name << " ready" << std::endl;
        } else {
          ctx.err << "error: " << status.message() << "\n";
          code = kExitFailure;
        }
      });
  return code;
}

int RunApply(Context& ctx, const ParsedFlags& flags) {
  std::vector<std::string> paths = flags.GetAll("filename");
  if (paths.empty()) return ctx.Usage("apply needs -f PATH (a file, a directory or -)");
  if (!flags.positional().empty()) {
    return ctx.Usage("unexpected argument \"" + flags.positional()[0] + "\" (use -f PATH)");
  }
  store::ApplyOptions options;
  options.dry_run = flags.Has("dry-run");
  options.prune = flags.Has("prune");
  options.applyset = flags.Get("applyset");
  options.force_conflicts = flags.Has("force-conflicts");
  if (options.prune && options.applyset.empty()) {
    return ctx.Usage("--prune needs --applyset NAME: it deletes only what that applyset applied");
  }
  if (!options.applyset.empty() && !specs::CheckDns1123Label(options.applyset).empty()) {
    return ctx.Usage("--applyset: " + specs::CheckDns1123Label(options.applyset));
  }
  auto parsed = specs::LoadManifests(paths, flags.Has("recursive"));
  if (!parsed.ok()) {
    ctx.err << parsed.ErrorText();
    ctx.err << "error: nothing applied: " << parsed.errors.size() << " invalid "
            << (parsed.errors.size() == 1 ? "field" : "fields") << "\n";
    return kExitUsage;
  }
  if (parsed.objects.empty() && !options.prune) {
    return ctx.Usage("no objects found in " + paths[0]);
  }
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  auto outcomes = (*client)->Apply(parsed.objects, options);
  if (!outcomes.ok()) return ctx.Fail(outcomes.status());
  for (const auto& o : *outcomes) {
    ctx.out << specs::ResourceName(o.key.kind) << "/" << o.key.name << " "
            << store::ToString(o.action) << (options.dry_run ? " (dry run)" : "") << "\n";
  }
  if (!flags.Has("wait") || options.dry_run) return kExitOk;
  return WaitForReady(ctx, **client, *outcomes, flags.Get("timeout", "2m"));
}

}  // namespace

Command ApplyCommand() {
  return {
      "apply",
      "Create or update sandboxes and templates from manifests",
      "sesame apply -f PATH... [-R] [--dry-run] [--prune --applyset NAME [--force-conflicts]] [--wait]",
      "All documents are validated first; if one is invalid, nothing is applied.\n"
      "Each object is reported as created, configured, unchanged or pruned.\n"
      "An object that belongs to another applyset is refused unless --force-conflicts;\n"
      "without --applyset an object stays in the applyset it belongs to.\n\n"
      "Examples:\n"
      "  sesame apply -f examples/hello.yaml\n"
      "  sesame apply -f examples/gitops -R --prune --applyset gitops\n"
      "  cat sandbox.yaml | sesame apply -f -",
      {FilenameFlag(), RecursiveFlag(),
       {"dry-run", 0, false, "validate and report, but write nothing"},
       {"prune", 0, false, "delete objects of the applyset that are not in the input"},
       {"applyset", 0, true, "the name of the set of objects this apply owns", "NAME"},
       {"force-conflicts", 0, false, "take objects over from the applyset they belong to"},
       {"wait", 0, false, "wait until every applied sandbox is Ready"},
       {"timeout", 0, true, "how long --wait waits (default 2m)", "DURATION"}},
      RunApply,
  };
}

}  // namespace sesame::cli
