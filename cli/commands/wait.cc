// sesame wait sandbox/NAME --for=condition=Ready|--for=delete [--timeout 60s]
#include "cli/command.h"
#include "cli/kinds.h"
#include "cli/wait_for.h"
#include "specs/quantity.h"

namespace sesame::cli {
namespace {

int RunWait(Context& ctx, const ParsedFlags& flags) {
  if (flags.positional().size() != 1) return ctx.Usage("usage: sesame wait sandbox/NAME --for=...");
  std::string target = flags.positional()[0];
  auto slash = target.find('/');
  auto resource = slash == std::string::npos ? std::nullopt : ParseResource(target.substr(0, slash));
  if (!resource || *resource == Resource::kEvents || *resource == Resource::kViolations ||
      *resource == Resource::kSyncs) {
    return ctx.Usage("\"" + target + "\": name the object as sandbox/NAME");
  }
  auto condition = ParseWaitCondition(flags.Get("for", "condition=Ready"));
  if (!condition.ok()) return ctx.Fail(condition.status());
  auto timeout = specs::ParseDuration(flags.Get("timeout", "60s"));
  if (!timeout.ok()) return ctx.Usage("--timeout: " + timeout.status().message());
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  specs::ObjectKey key{KindOf(*resource), flags.Get("namespace", specs::kDefaultNamespace),
                       target.substr(slash + 1)};
  Status status = WaitFor(**client, key, *condition, timeout->value, nullptr);
  if (!status.ok()) return ctx.Fail(status);
  ctx.out << target << (condition->for_delete ? " deleted" : " condition met") << "\n";
  return kExitOk;
}

}  // namespace

Command WaitCommand() {
  return {"wait",
          "Wait until a sandbox has a condition or is deleted",
          "sesame wait sandbox/NAME [--for=condition=Ready | --for=delete] [--timeout 60s]",
          "Exit code 0 when the condition holds; 1 on timeout or when the sandbox\n"
          "ended without reaching it.",
          {NamespaceFlag(),
           {"for", 0, true, "condition=TYPE[=STATUS] (default condition=Ready) or delete", "WHAT"},
           {"timeout", 0, true, "how long to wait (default 60s)", "DURATION"}},
          RunWait};
}

}  // namespace sesame::cli
