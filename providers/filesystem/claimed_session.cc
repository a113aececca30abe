#include "providers/filesystem/claimed_session.h"

#include <nlohmann/json.hpp>

namespace sesame::providers::filesystem {

using nlohmann::json;

std::string EncodeClaimedSession(const ClaimedSession& session) {
  json j = {{"key", {{"kind", session.key.kind}, {"namespace", session.key.namespace_}, {"name", session.key.name}}},
            {"command", session.command},
            {"stdin", session.stdin_open},
            {"field_hashes", session.field_hashes}};
  // dump() escapes control characters, so the JSON holds no NUL.
  std::string message = j.dump();
  message += '\0';
  message += SessionEnvBlock(session.env);
  return message;
}

std::optional<ClaimedSession> DecodeClaimedSession(const std::string& bytes) {
  size_t end = bytes.find('\0');
  if (end == std::string::npos) return std::nullopt;
  std::optional<EnvList> env = ParseEnvBlock(bytes.substr(end + 1));
  if (!env) return std::nullopt;
  json j = json::parse(bytes.substr(0, end), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("key") || !j["key"].is_object()) return std::nullopt;
  ClaimedSession session;
  try {
    const json& key = j["key"];
    session.key = {key.value("kind", ""), key.value("namespace", ""), key.value("name", "")};
    session.command = j.value("command", std::vector<std::string>{});
    session.stdin_open = j.value("stdin", false);
    session.field_hashes = j.value("field_hashes", std::map<std::string, std::string>{});
  } catch (const json::exception&) {
    return std::nullopt;  // a field of the wrong type
  }
  session.env = std::move(*env);
  return session;
}

void ApplyClaimedSession(const ClaimedSession& session, SandboxState& state) {
  state.key = session.key;
  state.command = session.command;
  state.env_names.clear();
  for (const auto& [name, value] : session.env) state.env_names.push_back(name);
  state.stdin_open = session.stdin_open;
  state.field_hashes = session.field_hashes;
}

}  // namespace sesame::providers::filesystem
