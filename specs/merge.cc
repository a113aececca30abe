// Template merging: the effective spec of a Sandbox that names a template,
// guided by the spec's schema (which lists merge by which key).

#include <algorithm>

#include <nlohmann/json.hpp>

#include "specs/codec.h"
#include "specs/object_json.h"
#include "specs/validate_schema.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

// A list whose schema names a merge key (env: "name") merges by it, as
// Kubernetes' strategic merge does for containers' env: an overlay entry
// replaces the base's entry with the same key in place, new keys are
// appended.
json MergeByKey(const json& base, const json& overlay, const std::string& key) {
  if (!base.is_array() || !overlay.is_array()) return overlay;
  json out = base;
  for (const json& entry : overlay) {
    auto same = std::find_if(out.begin(), out.end(), [&](const json& e) {
      return e.is_object() && entry.is_object() && e.value(key, "") == entry.value(key, "");
    });
    if (same != out.end()) {
      *same = entry;
    } else {
      out.push_back(entry);
    }
  }
  return out;
}

// `schema` describes `base` and `overlay` (nullptr: unknown, merged plainly).
void MergeInto(json* base, const json& overlay, const Schema* schema) {
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    const Field* field = schema != nullptr ? FindField(*schema, it.key()) : nullptr;
    const Schema* sub = field != nullptr ? &field->schema : nullptr;
    if (it->is_null()) {
      base->erase(it.key());
    } else if (sub != nullptr && !sub->merge_key.empty() && base->contains(it.key())) {
      (*base)[it.key()] = MergeByKey((*base)[it.key()], *it, sub->merge_key);
    } else if (it->is_object() && base->contains(it.key()) && (*base)[it.key()].is_object()) {
      MergeInto(&(*base)[it.key()], *it, sub);
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
  if (overlay.is_object()) MergeInto(&base, overlay, &SpecSchema(/*is_template=*/false));
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
