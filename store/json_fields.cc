#include "store/json_fields.h"

#include "specs/object_json_text.h"

#include <nlohmann/json.hpp>

namespace sesame::store {

// Escaped as the API's JSON writer escapes (specs/object_json_text.h), so
// a list copies these columns as they are stored.
void AppendJsonString(std::string& out, std::string_view s) { specs::AppendJsonText(out, s); }

void EncodeStringMap(const specs::StringMap& map, std::string& out) {
  out.assign("{");
  for (const auto& [key, value] : map) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonString(out, key);
    out.push_back(':');
    AppendJsonString(out, value);
  }
  out.push_back('}');
}

void EncodeStringList(const std::vector<std::string>& list, std::string& out) {
  out.assign("[");
  for (const std::string& item : list) {
    if (out.size() > 1) out.push_back(',');
    AppendJsonString(out, item);
  }
  out.push_back(']');
}

std::string EncodeStringMap(const specs::StringMap& map) {
  std::string out;
  EncodeStringMap(map, out);
  return out;
}

std::string EncodeStringList(const std::vector<std::string>& list) {
  std::string out;
  EncodeStringList(list, out);
  return out;
}

Result<specs::StringMap> DecodeStringMap(std::string_view json) {
  if (json == "{}" || json.empty()) return specs::StringMap{};
  try {
    return nlohmann::json::parse(json).get<specs::StringMap>();
  } catch (const nlohmann::json::exception& e) {
    return InternalError(std::string("corrupt string map in the store: ") + e.what());
  }
}

Result<std::vector<std::string>> DecodeStringList(std::string_view json) {
  if (json == "[]" || json.empty()) return std::vector<std::string>{};
  try {
    return nlohmann::json::parse(json).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return InternalError(std::string("corrupt string list in the store: ") + e.what());
  }
}

}  // namespace sesame::store
