#pragma once
// The API domains each agent needs (spec.agent), allowed without listing
// them in spec.security.network.allowedDomains:
//
//   claude, claude-code   api.anthropic.com, statsig.anthropic.com
//   codex, openai         api.openai.com
//   gemini                generativelanguage.googleapis.com
//   mistral               api.mistral.ai
//   aider, opencode       api.anthropic.com, api.openai.com
//
// An unknown or empty agent adds nothing.

#include <string>
#include <vector>

namespace sesame::security {

std::vector<std::string> AgentPresetDomains(const std::string& agent);
// Every agent with a preset, sorted.
std::vector<std::string> AgentPresetNames();

}  // namespace sesame::security
