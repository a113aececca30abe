#pragma once
// Converting between typed specs, canonical JSON text and the full
// Kubernetes-style JSON/YAML form of objects.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "specs/object.h"
#include "specs/sandbox.h"

namespace sesame::specs {

// Spec JSON (as stored) -> typed spec with defaults filled.
Result<SandboxSpec> DecodeSandboxSpec(std::string_view spec_json);
// Typed spec -> canonical JSON (every field, defaults included).
std::string EncodeSandboxSpec(const SandboxSpec& spec);

Result<SandboxStatus> DecodeSandboxStatus(std::string_view status_json);
std::string EncodeSandboxStatus(const SandboxStatus& status);

// The template's spec overlaid with the sandbox's own: the sandbox's fields
// win, objects merge key by key, `env` merges by name, other lists are
// replaced. Both arguments and the result are spec JSON text.
std::string MergeSpecJson(std::string_view template_spec, std::string_view sandbox_spec);

// The effective typed Sandbox: `tmpl` is the named SandboxTemplate, or
// nullptr when there is none.
Result<Sandbox> DecodeSandbox(const Object& sandbox, const Object* tmpl);

// Canonical form of any JSON text: compact, keys sorted.
std::string CanonicalJson(std::string_view json);

// Whole objects in the Kubernetes layout (apiVersion, kind, metadata, spec,
// status), as JSON (pretty or compact) or YAML.
std::string ObjectToJson(const Object& o, bool pretty);
std::string ObjectToYaml(const Object& o);
// A list: {"apiVersion":..., "kind":"SandboxList", "metadata":{"resourceVersion":"N"}, "items":[...]}
std::string ListToJson(const std::string& kind, const std::vector<Object>& items,
                       int64_t resource_version, bool pretty);
// Several objects as YAML documents separated by "---".
std::string ListToYaml(const std::vector<Object>& items);

// The spec as YAML, for `diff` and `describe`.
std::string SpecToYaml(std::string_view spec_json);

}  // namespace sesame::specs
