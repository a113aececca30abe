#pragma once
// How the objects table keeps labels, annotations and finalizers: compact
// JSON text, so that the database stays readable with the sqlite3 shell.
// The encoder is hand-written because Apply encodes three fields for each
// of thousands of objects and equality of the encoded text is how it tells
// "unchanged"; std::map keeps the key order deterministic.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "specs/object.h"

namespace sesame::store {

std::string EncodeStringMap(const specs::StringMap& map);                // {"a":"b"}
std::string EncodeStringList(const std::vector<std::string>& list);      // ["a","b"]
// Same, replacing the contents of `out` (to reuse its buffer).
void EncodeStringMap(const specs::StringMap& map, std::string& out);
void EncodeStringList(const std::vector<std::string>& list, std::string& out);
Result<specs::StringMap> DecodeStringMap(std::string_view json);
Result<std::vector<std::string>> DecodeStringList(std::string_view json);

// Appends `s` as a JSON string literal (quoted, escaped).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace sesame::store
