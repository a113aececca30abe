// sesame security get | set KEY=VALUE...: the admin sandbox-security settings.
#include "cli/command.h"
#include "reconcilers/admin_settings_store.h"

namespace sesame::cli {
namespace {

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out.empty() ? "<none>" : out;
}

void PrintSecurity(std::ostream& out, const Client::SecurityState& state) {
  const auto& s = state.settings;
  out << "enabled:         " << (s.enabled ? "true" : "false (sandboxes run WITHOUT OS-level restrictions)") << "\n";
  out << "allowedDomains:  " << Joined(s.allowed_domains) << "\n";
  out << "deniedDomains:   " << Joined(s.denied_domains) << "\n";
  out << "denyRead:        " << Joined(s.deny_read) << "\n";
  if (!state.probe.empty()) out << "\nPlatform:\n" << state.probe << (state.probe.back() == '\n' ? "" : "\n");
}

int RunSecurity(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  if (args.empty() || (args[0] != "get" && args[0] != "set")) {
    return ctx.Usage("usage: sesame security get | set KEY=VALUE...");
  }
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  auto state = (*client)->GetSecurity();
  if (!state.ok()) return ctx.Fail(state.status());
  if (args[0] == "get") {
    if (flags.Get("output") == "json") {
      ctx.out << reconcilers::AdminSettingsToJson(state->settings) << "\n";
    } else {
      PrintSecurity(ctx.out, *state);
    }
    return kExitOk;
  }
  if (args.size() < 2) return ctx.Usage("security set needs KEY=VALUE (enabled, allowedDomains, deniedDomains, denyRead)");
  security::AdminSettings next = state->settings;
  for (size_t i = 1; i < args.size(); ++i) {
    Status applied = reconcilers::ApplyAdminSetting(args[i], next);
    if (!applied.ok()) return ctx.Fail(applied);
  }
  Status saved = (*client)->SetSecurity(next);
  if (!saved.ok()) return ctx.Fail(saved);
  if (state->settings.enabled && !next.enabled) {
    ctx.err << "warning: sandbox security is OFF: new and restarted sandboxes run without OS-level "
               "restrictions\n";
  }
  ctx.out << "sandbox security settings updated; they apply to new sandboxes now and to running ones "
             "when they restart\n";
  return kExitOk;
}

}  // namespace

Command SecurityCommand() {
  return {"security",
          "Show or change the admin sandbox-security settings",
          "sesame security get [-o json] | set KEY=VALUE...",
          "Keys: enabled=true|false, allowedDomains=a.com,*.b.com, deniedDomains=...,\n"
          "denyRead=~/secrets,/srv/keys (an empty value clears a list). `get` also shows\n"
          "what the kernel allows and which sandboxing backend is in use.\n\n"
          "Examples:\n  sesame security get\n  sesame security set allowedDomains=pypi.org,files.pythonhosted.org",
          {{"output", 'o', true, "json", "FORMAT"}},
          RunSecurity};
}

}  // namespace sesame::cli
