#include "security/agent_presets.h"

#include <map>

namespace sesame::security {

namespace {

const std::map<std::string, std::vector<std::string>>& Presets() {
  static const std::map<std::string, std::vector<std::string>> kPresets = {
      {"claude", {"api.anthropic.com", "statsig.anthropic.com"}},
      {"claude-code", {"api.anthropic.com", "statsig.anthropic.com"}},
      {"codex", {"api.openai.com"}},
      {"openai", {"api.openai.com"}},
      {"gemini", {"generativelanguage.googleapis.com"}},
      {"mistral", {"api.mistral.ai"}},
      {"aider", {"api.anthropic.com", "api.openai.com"}},
      {"opencode", {"api.anthropic.com", "api.openai.com"}},
  };
  return kPresets;
}

}  // namespace

std::vector<std::string> AgentPresetDomains(const std::string& agent) {
  auto it = Presets().find(agent);
  return it == Presets().end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> AgentPresetNames() {
  std::vector<std::string> names;
  for (const auto& [name, domains] : Presets()) names.push_back(name);
  return names;
}

}  // namespace sesame::security
