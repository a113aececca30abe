// sesame diff -f PATH: what apply would change, as a unified diff.
#include "cli/command.h"
#include "cli/unified_diff.h"
#include "specs/codec.h"
#include "specs/manifest.h"

namespace sesame::cli {
namespace {

// The parts of an object that apply writes: labels, annotations and spec,
// without server-set fields, so that only the user's changes show.
std::string Comparable(const specs::Object& o) {
  specs::Object trimmed;
  trimmed.kind = o.kind;
  trimmed.metadata.name = o.metadata.name;
  trimmed.metadata.namespace_ = o.metadata.namespace_;
  trimmed.metadata.labels = o.metadata.labels;
  trimmed.metadata.annotations = o.metadata.annotations;
  trimmed.metadata.annotations.erase(specs::kApplysetAnnotation);
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
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  bool differs = false;
  for (const auto& desired : parsed.objects) {
    std::string name = specs::ResourceName(desired.kind) + "/" + desired.metadata.name;
    std::string live;
    auto current = (*client)->Get(specs::KeyOf(desired));
    if (current.ok()) {
      live = Comparable(*current);
    } else if (current.status().code() != Code::kNotFound) {
      return ctx.Fail(current.status());
    }
    std::string text = UnifiedDiff(live, Comparable(desired), name + " (live)", name + " (desired)");
    if (!text.empty()) {
      differs = true;
      ctx.out << text;
    }
  }
  return differs ? kExitFailure : kExitOk;
}

}  // namespace

Command DiffCommand() {
  return {
      "diff",
      "Show what apply would change",
      "sesame diff -f PATH... [-R]",
      "Prints a unified diff of labels, annotations and spec between the store and\n"
      "the manifests. Exit code 0: no differences; 1: differences; 2: an error.",
      {FilenameFlag(), RecursiveFlag()},
      RunDiff,
  };
}

}  // namespace sesame::cli
