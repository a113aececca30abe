// sesame schema [KIND]: the JSON Schema of Sesame's manifests, from the
// field tables validation uses (with each field's description), for editors
// (the yaml-language-server modeline of examples/ points at docs/schema/).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "specs/gitsync.h"
#include "specs/json_schema.h"
#include "specs/object.h"
#include "specs/pool.h"
#include "specs/pool_schema.h"

namespace sesame::cli {
namespace {

struct SchemaKind {
  std::vector<std::string> names;  // what `sesame schema NAME` accepts, lower case
  nlohmann::json (*schema)();
};

const std::vector<SchemaKind>& SchemaKinds() {
  static const std::vector<SchemaKind> kinds = {
      {{"sandbox", "sandboxes", "sb"}, [] { return specs::ObjectJsonSchema(false); }},
      {{"sandboxtemplate", "sandboxtemplates", "template", "sbt"}, [] { return specs::ObjectJsonSchema(true); }},
      {{"gitsync", "gitsyncs", "sync"},
       [] { return specs::ObjectJsonSchema(specs::kKindGitSync, specs::GitSyncSpecSchema(), true); }},
      {{"sandboxpool", "sandboxpools", "pool"},
       [] {
         return specs::ObjectJsonSchema(specs::kKindSandboxPool,
                                        *specs::PoolKindSpecSchema(specs::kKindSandboxPool), true);
       }},
      {{"sandboxquota", "sandboxquotas", "quota"},
       [] {
         return specs::ObjectJsonSchema(specs::kKindSandboxQuota,
                                        *specs::PoolKindSpecSchema(specs::kKindSandboxQuota), true);
       }},
  };
  return kinds;
}

int RunSchema(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.size() > 1) return ctx.Usage("at most one KIND");
  std::string kind = args.empty() ? "" : args[0];
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  nlohmann::json out;
  if (kind.empty()) {
    nlohmann::json every = nlohmann::json::array();
    for (const SchemaKind& k : SchemaKinds()) every.push_back(k.schema());
    out = {{"$schema", "http://json-schema.org/draft-07/schema#"},
           {"title", "Sesame manifest (sesame.dev/v1alpha1)"},
           {"oneOf", every}};
  }
  for (const SchemaKind& k : SchemaKinds()) {
    if (std::find(k.names.begin(), k.names.end(), kind) != k.names.end()) out = k.schema();
  }
  if (out.is_null()) {
    return ctx.Usage("unknown kind \"" + args[0] +
                     "\" (use sandbox, sandboxtemplate, gitsync, sandboxpool or sandboxquota, or none for every kind)");
  }
  ctx.out << out.dump(2) << "\n";
  return kExitOk;
}

}  // namespace

Command SchemaCommand() {
  return {"schema",
          "print the JSON Schema of manifests, for editors",
          "sesame schema [sandbox|sandboxtemplate|gitsync|sandboxpool|sandboxquota]",
          "Without a kind: one schema for every kind (what docs/schema/sesame.json holds).\n"
          "Editors with the YAML language server read it from a first line such as\n\n"
          "  # yaml-language-server: $schema=../docs/schema/sesame.json",
          {},
          RunSchema};
}

}  // namespace sesame::cli
