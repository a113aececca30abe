// sesame suspend|resume|restart NAME...: the sandbox's desired state, changed
// the way a user would edit it, for the controller to act on.
//   suspend: spec.suspend: true (stopped but kept, resumable where the
//            provider can)
//   resume:  spec.suspend: false, and the annotation sesame.dev/resumedAt,
//            which also wakes a sandbox suspended for idleness
//   restart: the annotation sesame.dev/restartedAt; the controller restarts
//            the session once per new value (status.restartedAt says which)
#include <algorithm>
#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/kinds.h"
#include "specs/codec.h"
#include "specs/sandbox.h"

namespace sesame::cli {
namespace {

using nlohmann::json;

// What one verb does to one sandbox: the merge patch to send (nullopt:
// nothing to change, with `note` saying why), given the sandbox as stored.
struct Change {
  std::optional<json> patch;
  std::string done;  // "suspended"
  std::string note;  // printed instead of `done` when nothing changes
};
using Planner = std::function<Result<Change>(const specs::Object& sandbox, const std::string& now)>;

bool SpecSuspended(const specs::Object& sandbox) {
  json spec = json::parse(sandbox.spec, nullptr, false);
  return spec.is_object() && spec.value("suspend", false);
}

int RunVerb(Context& ctx, const ParsedFlags& flags, const std::string& verb, const Planner& plan) {
  auto names = SandboxNames(flags.positional(), verb);
  if (!names.ok()) return ctx.Usage(names.status().message() + " (usage: sesame " + verb + " NAME...)");
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  std::string ns = flags.Get("namespace", specs::kDefaultNamespace);
  std::string now = FormatTime(std::chrono::time_point_cast<Millis>(Clock::Real().Now()), true);
  int code = kExitOk;
  for (const auto& name : *names) {
    specs::ObjectKey key{specs::kKindSandbox, ns, name};
    auto fail = [&](const Status& status) {
      ctx.err << ErrorAbout(key, status.message());
      code = std::max(code, ExitCodeFor(status));
    };
    auto sandbox = (*client)->Get(key);
    if (!sandbox.ok()) {
      fail(sandbox.status());
      continue;
    }
    if (sandbox->metadata.deletion_timestamp) {
      fail(ConflictError("is being deleted"));
      continue;
    }
    auto change = plan(*sandbox, now);
    if (!change.ok()) {
      fail(change.status());
      continue;
    }
    if (!change->patch) {
      ctx.out << "sandbox/" << name << " " << change->note << "\n";
      continue;
    }
    auto patched = (*client)->Patch(key, change->patch->dump());
    if (!patched.ok()) {
      fail(patched.status());
      continue;
    }
    ctx.out << "sandbox/" << name << " " << change->done << "\n";
  }
  return code;
}

int RunSuspend(Context& ctx, const ParsedFlags& flags) {
  return RunVerb(ctx, flags, "suspend", [](const specs::Object& sandbox, const std::string&) -> Result<Change> {
    if (SpecSuspended(sandbox)) return Change{std::nullopt, "", "already suspended (spec.suspend is true)"};
    return Change{json{{"spec", {{"suspend", true}}}}, "suspended", ""};
  });
}

int RunResume(Context& ctx, const ParsedFlags& flags) {
  return RunVerb(ctx, flags, "resume", [](const specs::Object&, const std::string& now) -> Result<Change> {
    // Always sent: a sandbox suspended for idleness has spec.suspend false
    // already, and wakes on a resumedAt newer than its suspension.
    return Change{json{{"metadata", {{"annotations", {{specs::kResumedAtAnnotation, now}}}}},
                       {"spec", {{"suspend", false}}}},
                  "resumed", ""};
  });
}

int RunRestart(Context& ctx, const ParsedFlags& flags) {
  return RunVerb(ctx, flags, "restart", [](const specs::Object& sandbox, const std::string& now) -> Result<Change> {
    if (SpecSuspended(sandbox)) {
      return ConflictError("is suspended: resume it first (sesame resume " + sandbox.metadata.name + ")");
    }
    return Change{json{{"metadata", {{"annotations", {{specs::kRestartedAtAnnotation, now}}}}}}, "restarting", ""};
  });
}

}  // namespace

Command SuspendCommand() {
  return {"suspend",
          "Suspend sandboxes (spec.suspend: true)",
          "sesame suspend NAME... [-n NS]",
          "The session stops but its sandbox is kept: paused where the provider can\n"
          "(filesystem, docker), stopped otherwise. `sesame resume NAME` continues it.\n"
          "Names are NAME or sandbox/NAME.",
          {NamespaceFlag()},
          RunSuspend};
}

Command ResumeCommand() {
  return {"resume",
          "Resume suspended sandboxes (spec.suspend: false)",
          "sesame resume NAME... [-n NS]",
          "Also wakes a sandbox that lifetime.idleTimeout suspended.",
          {NamespaceFlag()},
          RunResume};
}

Command RestartCommand() {
  return {"restart",
          "Restart the session of sandboxes",
          "sesame restart NAME... [-n NS]",
          "The controller stops the session command and starts it again in the same\n"
          "sandbox (workspace kept); status.restarts counts it, and\n"
          "`sesame logs --previous NAME` shows the run before.",
          {NamespaceFlag()},
          RunRestart};
}

}  // namespace sesame::cli
