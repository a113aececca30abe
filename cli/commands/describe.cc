// sesame describe sandbox NAME: spec, status, conditions and recent events.
#include <sstream>

#include "cli/command.h"
#include "cli/kinds.h"
#include "cli/pool_printer.h"
#include "cli/printer.h"
#include "specs/codec.h"

namespace sesame::cli {

namespace {

std::string Indent(const std::string& text, const std::string& prefix) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += prefix + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string MapText(const specs::StringMap& m) {
  if (m.empty()) return "<none>";
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : "\n             ") + k + "=" + v;
  return out;
}

std::string TimeText(const std::optional<Time>& t) { return t ? FormatTime(*t) : "<none>"; }

void PrintStatus(std::ostream& out, const specs::SandboxStatus& s) {
  out << "Status:\n";
  out << "  Phase:       " << specs::ToString(s.phase) << "\n";
  out << "  Observed:    generation " << s.observed_generation << "\n";
  if (s.provider_ref) out << "  Provider:    " << s.provider_ref->provider << " " << s.provider_ref->id << "\n";
  out << "  Started:     " << TimeText(s.started_at) << "\n";
  out << "  Expires:     " << TimeText(s.expires_at) << "\n";
  if (s.exit_code) out << "  Exit Code:   " << *s.exit_code << "\n";
  out << "  Restarts:    " << s.restarts << "\n";
  for (const auto& e : s.endpoints) out << "  Endpoint:    " << e.port << " -> " << e.url << "\n";
  out << "Conditions:\n";
  std::vector<std::vector<std::string>> rows = {{"TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"}};
  for (const auto& c : s.conditions) {
    rows.push_back({c.type, c.status, c.reason, TimeText(c.last_transition_time), c.message});
  }
  out << Indent(FormatTable(rows), "  ");
}

Status DescribeOne(Context& ctx, Client& client, const specs::ObjectKey& key) {
  auto object = client.Get(key);
  if (!object.ok()) return object.status();
  const std::string& ns = key.namespace_;
  const auto& m = object->metadata;
  std::ostream& out = ctx.out;
  out << "Name:        " << m.name << "\nNamespace:   " << m.namespace_ << "\n";
  out << "Kind:        " << object->kind << "\nUID:         " << m.uid << "\n";
  out << "Labels:      " << MapText(m.labels) << "\nAnnotations: " << MapText(m.annotations) << "\n";
  out << "Created:     " << TimeText(m.creation_timestamp) << "\n";
  if (m.deletion_timestamp) out << "Deleting:    since " << FormatTime(*m.deletion_timestamp) << "\n";
  out << "Generation:  " << m.generation << "\nVersion:     " << m.resource_version << "\n";
  out << "Spec:\n" << Indent(specs::SpecToYaml(object->spec), "  ");
  if (object->kind == specs::kKindSandbox) {
    TemplateLookup templates = FetchTemplates(client, ns);
    auto spec = specs::DecodeSandboxSpec(object->spec);
    const specs::Object* tmpl =
        spec.ok() && !spec->template_ref.empty() ? templates(ns, spec->template_ref) : nullptr;
    auto sandbox = specs::DecodeSandbox(*object, tmpl);
    if (sandbox.ok()) PrintStatus(out, sandbox->status);
  } else if (object->kind != specs::kKindSandboxTemplate) {
    DescribePoolStatus(out, *object);
  }
  {
    store::EventFilter filter;
    filter.object = specs::KeyOf(*object);
    filter.limit = 20;
    auto events = client.ListEvents(filter);
    out << "Events:\n";
    if (events.ok() && !events->empty()) {
      PrintOptions options;
      options.now = Clock::Real().Now();
      std::ostringstream table;
      PrintEvents(table, *events, options);
      out << Indent(table.str(), "  ");
    } else {
      out << "  <none>\n";
    }
  }
  return Status::Ok();
}

int RunDescribe(Context& ctx, const ParsedFlags& flags) {
  const auto& args = flags.positional();
  std::string ns = flags.Get("namespace", specs::kDefaultNamespace);
  // A bare NAME is a sandbox's.
  auto keys = args.size() == 1 && args[0].find('/') == std::string::npos
                  ? Result<std::vector<specs::ObjectKey>>(std::vector<specs::ObjectKey>{{specs::kKindSandbox, ns, args[0]}})
                  : ObjectKeys(args, ns, "describe");
  if (!keys.ok()) return ctx.Usage(keys.status().message());
  auto client = ctx.client();
  if (!client.ok()) return ctx.Fail(client.status());
  int code = kExitOk;
  for (size_t i = 0; i < keys->size(); ++i) {
    if (i > 0) ctx.out << "\n";
    Status status = DescribeOne(ctx, **client, (*keys)[i]);
    if (!status.ok()) code = std::max(code, ctx.Fail(status));
  }
  return code;
}

}  // namespace

Command DescribeCommand() {
  return {"describe",
          "Show a sandbox's spec, status, conditions and recent events",
          "sesame describe NAME | TYPE NAME... | TYPE/NAME... [-n NS]",
          "",
          {NamespaceFlag()},
          RunDescribe};
}

}  // namespace sesame::cli
