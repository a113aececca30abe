// sesame apply -f PATH... [-R] [--dry-run] [--prune --applyset NAME]
#include "cli/command.h"
#include "specs/manifest.h"

namespace sesame::cli {
namespace {

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
  return kExitOk;
}

}  // namespace

Command ApplyCommand() {
  return {
      "apply",
      "Create or update sandboxes and templates from manifests",
      "sesame apply -f PATH... [-R] [--dry-run] [--prune --applyset NAME]",
      "All documents are validated first; if one is invalid, nothing is applied.\n"
      "Each object is reported as created, configured, unchanged or pruned.\n\n"
      "Examples:\n"
      "  sesame apply -f examples/filesystem-hello.yaml\n"
      "  sesame apply -f examples/gitops -R --prune --applyset gitops\n"
      "  cat sandbox.yaml | sesame apply -f -",
      {FilenameFlag(), RecursiveFlag(),
       {"dry-run", 0, false, "validate and report, but write nothing"},
       {"prune", 0, false, "delete objects of the applyset that are not in the input"},
       {"applyset", 0, true, "the name of the set of objects this apply owns", "NAME"}},
      RunApply,
  };
}

}  // namespace sesame::cli
