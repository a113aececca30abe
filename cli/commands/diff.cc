// sesame diff -f PATH: what apply would change, as a unified diff.
#include "cli/command.h"
#include "cli/unified_diff.h"
#include "specs/codec.h"
#include "specs/manifest.h"
#include "specs/pool.h"

namespace sesame::cli {
namespace {

// The parts of an object that apply writes: labels, annotations (the
// applyset's too) and spec, without server-set fields.
std::string Comparable(const specs::Object& o) {
  specs::Object trimmed;
  trimmed.kind = o.kind;
  trimmed.metadata.name = o.metadata.name;
  trimmed.metadata.namespace_ = o.metadata.namespace_;
  trimmed.metadata.labels = o.metadata.labels;
  trimmed.metadata.annotations = o.metadata.annotations;
  trimmed.metadata.annotations.erase(specs::kPoolTemplateAnnotation);
  trimmed.spec = o.spec;
  return specs::ObjectToYaml(trimmed);
}

int RunDiff(Context& ctx, const ParsedFlags& flags) {
  std::vector<std::string> paths = flags.GetAll("filename");
  if (paths.empty()) return ctx.Usage("diff needs -f PATH");
  auto parsed = specs::LoadManifests(paths, flags.Has("recursive"));
  if (!parsed.ok()) {
    ctx.err << parsed.ErrorText();
    return kExitUsage;
  }
  store::ApplyOptions options;
  options.dry_run = true;
  options.prune = flags.Has("prune");
  options.applyset = flags.Get("applyset");
  options.force_conflicts = flags.Has("force-conflicts");
  if (options.prune && options.applyset.empty()) return ctx.Usage("--prune needs --applyset NAME");
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  // What apply would store, from the server's own dry run: so diff shows
  // exactly the changes apply reports, and nothing else.
  auto outcomes = (*client)->Apply(parsed.objects, options);
  if (!outcomes.ok()) return ctx.Fail(outcomes.status());
  bool differs = false;
  for (const auto& o : *outcomes) {
    if (o.action == store::ApplyAction::kUnchanged) continue;
    differs = true;
    std::string name = specs::ResourceName(o.key.kind) + "/" + o.key.name;
    std::string live, desired;
    if (o.action != store::ApplyAction::kCreated) {
      auto current = (*client)->Get(o.key);
      if (current.ok()) {
        live = Comparable(*current);
      } else if (current.status().code() != Code::kNotFound) {
        return ctx.Fail(current.status());
      }
    }
    if (o.action != store::ApplyAction::kPruned) desired = Comparable(o.object);
    ctx.out << UnifiedDiff(live, desired, name + " (live)", name + " (desired)");
  }
  return differs ? kExitFailure : kExitOk;
}

}  // namespace

Command DiffCommand() {
  return {
      "diff",
      "Show what apply would change",
      "sesame diff -f PATH... [-R] [--prune --applyset NAME]",
      "Prints a unified diff of labels, annotations and spec between the store and\n"
      "what `sesame apply` with the same flags would store (the server's dry run),\n"
      "pruned objects included. Exit code 0: no differences; 1: differences (or\n"
      "apply would fail); 2: an error in the manifests.",
      {FilenameFlag(), RecursiveFlag(),
       {"prune", 0, false, "also show objects of the applyset that apply --prune would delete"},
       {"applyset", 0, true, "the applyset apply would use", "NAME"},
       {"force-conflicts", 0, false, "as apply --force-conflicts"}},
      RunDiff,
  };
}

}  // namespace sesame::cli
