#pragma once
// A session's environment as it travels to a supervisor (over a socket,
// never through argv, a file or the supervisor's own environment):
// NAME '\0' VALUE '\0' for each variable, then '\0' (an empty name). The
// end marker tells a whole block from one cut short by a sender that went
// away, so a command never starts without its environment.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sesame::providers::filesystem {

using EnvList = std::vector<std::pair<std::string, std::string>>;

std::string SessionEnvBlock(const EnvList& env);

// nullopt when `block` has no end marker (or anything after it).
std::optional<EnvList> ParseEnvBlock(const std::string& block);

}  // namespace sesame::providers::filesystem
