// sesame wait sandbox/NAME --for=condition=Ready|--for=delete [--timeout 60s]
#include <algorithm>

#include "cli/command.h"
#include "cli/kinds.h"
#include "cli/wait_for.h"
#include "specs/gitsync.h"
#include "specs/quantity.h"

namespace sesame::cli {
namespace {

int RunWait(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().empty()) return ctx.Usage("usage: sesame wait sandbox/NAME... --for=...");
  std::string ns = flags.Get("namespace", specs::kDefaultNamespace);
  const auto& args = flags.positional();
  bool typed = args.size() > 1 || args[0].find('/') != std::string::npos;
  auto keys = typed ? ObjectKeys(args, ns, "wait") : Result<std::vector<specs::ObjectKey>>(InvalidError(""));
  if (!keys.ok() || std::any_of(keys->begin(), keys->end(),
                                [](const specs::ObjectKey& k) { return k.kind == specs::kKindGitSync; })) {
    return ctx.Usage("\"" + args[0] + "\": name the object as sandbox/NAME");
  }
  auto condition = ParseWaitCondition(flags.Get("for", "condition=Ready"));
  if (!condition.ok()) return ctx.Fail(condition.status());
  auto timeout = specs::ParseDuration(flags.Get("timeout", "60s"));
  if (!timeout.ok()) return ctx.Usage("--timeout: " + timeout.status().message());
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  // One after the other, each with the whole timeout from now on.
  auto deadline = std::chrono::steady_clock::now() + timeout->value;
  for (const auto& key : *keys) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    Status status = WaitFor(**client, key, *condition, std::max(left, Millis(0)), nullptr);
    if (!status.ok()) return ctx.Fail(status);
    ctx.out << specs::ResourceName(key.kind) << "/" << key.name
            << (condition->for_delete ? " deleted" : " condition met") << "\n";
  }
  return kExitOk;
}

}  // namespace

Command WaitCommand() {
  return {"wait",
          "Wait until a sandbox has a condition or is deleted",
          "sesame wait sandbox/NAME... [--for=condition=Ready | --for=delete] [--timeout 60s]",
          "Exit code 0 when the condition holds; 1 on timeout or when the sandbox\n"
          "ended without reaching it.",
          {NamespaceFlag(),
           {"for", 0, true, "condition=TYPE[=STATUS] (default condition=Ready) or delete", "WHAT"},
           {"timeout", 0, true, "how long to wait (default 60s)", "DURATION"}},
          RunWait};
}

}  // namespace sesame::cli
