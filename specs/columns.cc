#include "specs/columns.h"

#include "specs/codec.h"
#include "specs/gitsync.h"
#include "specs/pool.h"
#include "specs/pool_columns.h"

namespace sesame::specs {

namespace {

std::string Age(const Object& o, Time now) {
  if (!o.metadata.creation_timestamp) return "<unknown>";
  return HumanDuration(std::chrono::duration_cast<Millis>(now - *o.metadata.creation_timestamp));
}

std::string Expires(const std::optional<Time>& at, Time now) {
  if (!at) return "<none>";
  if (*at <= now) return "expired";
  return "in " + HumanDuration(std::chrono::duration_cast<Millis>(*at - now));
}

std::string Joined(const std::vector<Endpoint>& endpoints) {
  std::string out;
  for (const auto& e : endpoints) out += (out.empty() ? "" : ",") + e.url;
  return out.empty() ? "<none>" : out;
}

std::vector<std::string> SandboxCells(const Object& o, const TemplateFinder& templates, Time now) {
  std::string tmpl_name;
  if (auto spec = DecodeSandboxSpec(o.spec); spec.ok()) tmpl_name = spec->template_ref;
  const Object* tmpl = tmpl_name.empty() || !templates ? nullptr : templates(o.metadata.namespace_, tmpl_name);
  auto sandbox = DecodeSandbox(o, tmpl);
  if (!sandbox.ok()) {
    return {o.metadata.name, "?", "Invalid", "False", Age(o, now), "?", "0",
            tmpl_name.empty() ? "<none>" : tmpl_name, "<none>", sandbox.status().message()};
  }
  const auto& status = sandbox->status;
  const auto* ready = status.FindCondition(ConditionType::kReady);
  std::string phase = ToString(o.metadata.deletion_timestamp ? Phase::kTerminating : status.phase);
  std::string message = ready ? ready->message : "";
  if (!tmpl_name.empty() && !tmpl) message = "template \"" + tmpl_name + "\" not found";
  return {o.metadata.name,
          sandbox->spec.provider,
          phase,
          ready ? ready->status : "False",
          Age(o, now),
          Expires(status.expires_at, now),
          std::to_string(status.restarts),
          tmpl_name.empty() ? "<none>" : tmpl_name,
          Joined(status.endpoints),
          message};
}

std::vector<std::string> TemplateCells(const Object& o, Time now) {
  std::string provider = "<unset>";
  if (auto spec = DecodeSandboxSpec(o.spec); spec.ok()) provider = spec->provider;
  return {o.metadata.name, provider, Age(o, now)};
}

}  // namespace

const std::vector<Column>& ColumnsOf(const std::string& kind) {
  static const std::vector<Column> sandbox = {
      {"Name", "string", "metadata.name", 0},
      {"Provider", "string", "spec.provider (from the template when unset)", 0},
      {"Phase", "string", "status.phase", 0},
      {"Ready", "string", "the Ready condition's status", 0},
      {"Age", "date", "metadata.creationTimestamp", 0},
      {"Expires", "string", "status.expiresAt", 0},
      {"Restarts", "integer", "status.restarts", 1},
      {"Template", "string", "spec.templateRef", 1},
      {"Endpoints", "string", "status.endpoints", 1},
      {"Message", "string", "the Ready condition's message", 1},
  };
  static const std::vector<Column> tmpl = {
      {"Name", "string", "metadata.name", 0},
      {"Provider", "string", "spec.provider", 0},
      {"Age", "date", "metadata.creationTimestamp", 0},
  };
  static const std::vector<Column> other = {
      {"Name", "string", "metadata.name", 0},
      {"Age", "date", "metadata.creationTimestamp", 0},
  };
  static const std::vector<Column> sync = {
      {"Name", "string", "metadata.name", 0},
      {"Source", "string", "spec.repo@spec.branch (a directory sync: its path)", 0},
      {"Path", "string", "spec.path", 1},
      {"Revision", "string", "status.revision", 0},
      {"Phase", "string", "status.phase", 0},
      {"Health", "string", "status.health", 0},
      {"Last Sync", "string", "status.lastSyncTime", 0},
      {"Message", "string", "status.message", 0},
  };
  if (kind == kKindSandbox) return sandbox;
  if (kind == kKindSandboxTemplate) return tmpl;
  if (kind == kKindGitSync || kind == kKindDirectorySync) return sync;
  if (kind == kKindSandboxPool) return PoolColumns();
  if (kind == kKindSandboxQuota) return QuotaColumns();
  return other;
}

std::vector<std::string> CellsOf(const Object& o, const TemplateFinder& templates, Time now) {
  if (o.kind == kKindSandbox) return SandboxCells(o, templates, now);
  if (o.kind == kKindSandboxTemplate) return TemplateCells(o, now);
  if (o.kind == kKindGitSync || o.kind == kKindDirectorySync) return GitSyncCells(o, now);
  if (o.kind == kKindSandboxPool) return PoolCells(o, Age(o, now));
  if (o.kind == kKindSandboxQuota) return QuotaCells(o, Age(o, now));
  return {o.metadata.name, Age(o, now)};
}

}  // namespace sesame::specs
