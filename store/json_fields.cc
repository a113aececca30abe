#include "store/json_fields.h"

#include <nlohmann/json.hpp>

namespace sesame::store {

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);  // UTF-8 passes through unchanged
    }
  }
  out.push_back('"');
}

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
