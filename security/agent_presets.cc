#include "security/agent_presets.h"

#include <map>

namespace sesame::security {

std::vector<std::string> AgentPresetDomains(const std::string& agent) {
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
  auto it = kPresets.find(agent);
  return it == kPresets.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace sesame::security
