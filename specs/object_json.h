#pragma once
// Objects and their metadata as nlohmann::json in the Kubernetes layout,
// shared by the manifest reader and the codecs.

#include <string>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "specs/object.h"

namespace sesame::specs {

// RFC 3339, with milliseconds only when there are some.
std::string TimeText(Time t);

// Empty optional fields are omitted; resourceVersion is a string, as in
// Kubernetes.
nlohmann::json MetaToJson(const ObjectMeta& meta);
// `json` must have passed validation (specs/validate.h).
ObjectMeta MetaFromJson(const nlohmann::json& json);

// {"apiVersion", "kind", "metadata", "spec", "status"}; an empty status is
// left out.
nlohmann::json ObjectToJsonValue(const Object& o);

// Compact JSON with sorted keys; invalid UTF-8 is replaced rather than thrown.
std::string CompactJson(const nlohmann::json& j);

// Parses JSON text; an unparsable text gives an empty object rather than an
// exception, since stored text was produced by us.
nlohmann::json ParseJsonOrEmpty(std::string_view text);

}  // namespace sesame::specs
