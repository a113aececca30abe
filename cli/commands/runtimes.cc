// sesame runtimes plan DIR [-o json]: the runtimes and dependency installs
// a workspace declares, without running them.
#include "cli/command.h"
#include "runtimes/plan.h"

#include <filesystem>

namespace sesame::cli {
namespace {

int RunRuntimes(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.empty() || args[0] != "plan") return ctx.Usage("expected: sesame runtimes plan DIR");
  if (args.size() > 2) return ctx.Usage("runtimes plan takes one directory");
  std::string output = flags.Get("output");
  if (!output.empty() && output != "json" && output != "text") {
    return ctx.Usage("--output must be json or text, not \"" + output + "\"");
  }
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(args.size() == 2 ? args[1] : ".", ec);
  if (ec) return ctx.Fail(InvalidError(ec.message()));
  Result<runtimes::Plan> plan = runtimes::DetectPlan(dir.lexically_normal().string());
  if (!plan.ok()) return ctx.Fail(InvalidError(plan.status().message()));
  ctx.out << (output == "json" ? runtimes::PlanToJson(*plan) : runtimes::FormatPlan(*plan));
  return kExitOk;
}

}  // namespace

Command RuntimesCommand() {
  return {"runtimes",
          "Show the runtimes and dependency installs a workspace declares",
          "sesame runtimes plan [DIR] [-o json]",
          "Reads the version files (.nvmrc, .node-version, .python-version, .ruby-version,\n"
          ".go-version, .tool-versions, mise.toml) and lockfiles (package-lock.json,\n"
          "pnpm-lock.yaml, yarn.lock, bun.lock, requirements.txt, uv.lock, poetry.lock,\n"
          "Pipfile.lock, Gemfile.lock, go.sum, Cargo.lock, composer.lock) of DIR and of the\n"
          "monorepo members its workspace files name, and prints what a sandbox with\n"
          "runtimes.mise: auto would install, in order, without running anything.\n\n"
          "Example:\n  sesame runtimes plan ./repos/app\n  sesame runtimes plan . -o json",
          {{"output", 'o', true, "text (default) or json", "FORMAT"}},
          RunRuntimes};
}

}  // namespace sesame::cli
