// sesame schema [KIND]: the JSON Schema of Sesame's manifests, from the
// field table validation uses (with each field's description), for editors
// (the yaml-language-server modeline of examples/ points at docs/schema/).
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "specs/json_schema.h"
#include "specs/object.h"

namespace sesame::cli {
namespace {

int RunSchema(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.size() > 1) return ctx.Usage("at most one KIND");
  nlohmann::json out;
  std::string kind = args.empty() ? "" : args[0];
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (kind.empty()) {
    out = {{"$schema", "http://json-schema.org/draft-07/schema#"},
           {"title", "Sesame manifest (sesame.dev/v1alpha1)"},
           {"oneOf", {specs::ObjectJsonSchema(false), specs::ObjectJsonSchema(true)}}};
  } else if (kind == "sandbox" || kind == "sandboxes" || kind == "sb") {
    out = specs::ObjectJsonSchema(false);
  } else if (kind == "sandboxtemplate" || kind == "sandboxtemplates" || kind == "template" || kind == "sbt") {
    out = specs::ObjectJsonSchema(true);
  } else {
    return ctx.Usage("unknown kind \"" + args[0] + "\" (use sandbox or sandboxtemplate, or none for every kind)");
  }
  ctx.out << out.dump(2) << "\n";
  return kExitOk;
}

}  // namespace

Command SchemaCommand() {
  return {"schema",
          "print the JSON Schema of manifests, for editors",
          "sesame schema [sandbox|sandboxtemplate]",
          "Without a kind: one schema for every kind (what docs/schema/sesame.json holds).\n"
          "Editors with the YAML language server read it from a first line such as\n\n"
          "  # yaml-language-server: $schema=../docs/schema/sesame.json",
          {},
          RunSchema};
}

}  // namespace sesame::cli
