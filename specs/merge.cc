// Template merging: the effective spec of a Sandbox that names a template.

#include <algorithm>

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/object_json.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

// Env merges by name, as Kubernetes' strategic merge does for containers'
// env: a sandbox entry replaces the template's entry of the same name in
// place, new names are appended.
json MergeEnv(const json& base, const json& overlay) {
  if (!base.is_array() || !overlay.is_array()) return overlay;
  json out = base;
  for (const json& entry : overlay) {
    auto same = std::find_if(out.begin(), out.end(), [&](const json& e) {
      return e.is_object() && entry.is_object() && e.value("name", "") == entry.value("name", "");
    });
    if (same != out.end()) {
      *same = entry;
    } else {
      out.push_back(entry);
    }
  }
  return out;
}

void MergeInto(json* base, const json& overlay) {
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    if (it->is_null()) {
      base->erase(it.key());
    } else if (it.key() == "env" && base->contains("env")) {
      (*base)["env"] = MergeEnv((*base)["env"], *it);
    } else if (it->is_object() && base->contains(it.key()) && (*base)[it.key()].is_object()) {
      MergeInto(&(*base)[it.key()], *it);
    } else {
      (*base)[it.key()] = *it;
    }
  }
}

}  // namespace

std::string MergeSpecJson(std::string_view template_spec, std::string_view sandbox_spec) {
  json base = ParseJsonOrEmpty(template_spec);
  json overlay = ParseJsonOrEmpty(sandbox_spec);
  if (!base.is_object()) base = json::object();
  if (overlay.is_object()) MergeInto(&base, overlay);
  return CompactJson(base);
}

Result<Sandbox> DecodeSandbox(const Object& sandbox, const Object* tmpl) {
  std::string spec_json = tmpl ? MergeSpecJson(tmpl->spec, sandbox.spec) : sandbox.spec;
  Result<SandboxSpec> spec = DecodeSandboxSpec(spec_json);
  if (!spec.ok()) return spec.status();
  Result<SandboxStatus> status = DecodeSandboxStatus(sandbox.status);
  if (!status.ok()) return status.status();
  return Sandbox{sandbox.metadata, std::move(*spec), std::move(*status)};
}

}  // namespace sesame::specs
