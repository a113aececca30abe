#include "specs/yaml_writer.h"

#include <algorithm>
#include <array>
#include <string_view>

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include "specs/yaml_scalar.h"

namespace sesame::specs {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kLeadingKeys = {"apiVersion", "kind", "metadata",
                                                           "name", "namespace"};

int KeyRank(const std::string& key) {
  auto it = std::find(kLeadingKeys.begin(), kLeadingKeys.end(), key);
  return static_cast<int>(it - kLeadingKeys.begin());
}

std::vector<std::string> OrderedKeys(const json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    return KeyRank(a) < KeyRank(b);  // the rest keeps json's sorted order
  });
  return keys;
}

void EmitString(YAML::Emitter& out, const std::string& s) {
  if (IsPlainString(s)) {
    out << s;
  } else {
    out << YAML::DoubleQuoted << s;
  }
}

void Emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      if (value.empty()) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const std::string& key : OrderedKeys(value)) {
        out << YAML::Key;
        EmitString(out, key);
        out << YAML::Value;
        Emit(out, value[key]);
      }
      out << YAML::EndMap;
      return;
    case json::value_t::array:
      if (value.empty()) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const json& item : value) Emit(out, item);
      out << YAML::EndSeq;
      return;
    case json::value_t::string: return EmitString(out, value.get<std::string>());
    case json::value_t::boolean: out << (value.get<bool>() ? "true" : "false"); return;
    case json::value_t::null: out << YAML::Null; return;
    default: out << value.dump(); return;  // numbers: JSON and YAML agree
  }
}

}  // namespace

std::string JsonToYaml(const json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  Emit(out, value);
  // Should the emitter refuse (it has no reason to), JSON is valid YAML too.
  if (!out.good()) return value.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  return std::string(out.c_str()) + "\n";
}

}  // namespace sesame::specs
