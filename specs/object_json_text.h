#pragma once
// Objects as the API's JSON text, written straight from their parts
// without a JSON library: spec and status are stored as canonical JSON and
// are copied as they are, so listing or watching many objects costs a copy
// per object, not a parse and a re-encoding. The text is the one
// ObjectToJson(o, false) gives (keys sorted, empty fields left out).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"
#include "specs/object.h"

namespace sesame::specs {

// An object's fields as stored: labels, annotations and finalizers as
// compact JSON text ("{}" / "[]" when empty), spec and status as canonical
// JSON text.
struct ObjectJsonParts {
  std::string_view api_version, kind, name, namespace_, uid;
  int64_t generation = 0;
  int64_t resource_version = 0;
  std::optional<Time> creation_timestamp, deletion_timestamp;
  std::string_view labels_json = "{}", annotations_json = "{}", finalizers_json = "[]";
  std::string_view spec_json = "{}", status_json = "{}";
};

// Appends the object's JSON to `out`.
void AppendObjectJson(std::string& out, const ObjectJsonParts& parts);
void AppendObjectJson(std::string& out, const Object& object);

// {"apiVersion":...,"items":[, then the items separated by commas, then
// ],"kind":"KindList","metadata":{"resourceVersion":"N"}}: a list written
// as it is read, as ListToJson(kind, items, rv, false) would.
std::string ListJsonHead();
std::string ListJsonTail(const std::string& kind, int64_t resource_version);

// Appends `s` as a JSON string literal, escaped as nlohmann::json does.
void AppendJsonText(std::string& out, std::string_view s);

}  // namespace sesame::specs
