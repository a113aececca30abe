#include "providers/filesystem/env_block.h"

namespace sesame::providers::filesystem {

std::string SessionEnvBlock(const EnvList& env) {
  std::string block;
  for (const auto& [name, value] : env) {
    block += name;
    block += '\0';
    block += value;
    block += '\0';
  }
  block += '\0';
  return block;
}

std::optional<EnvList> ParseEnvBlock(const std::string& block) {
  EnvList env;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t name_end = block.find('\0', pos);
    if (name_end == std::string::npos) return std::nullopt;
    if (name_end == pos) {  // the end marker
      if (name_end + 1 != block.size()) return std::nullopt;
      return env;
    }
    size_t value_end = block.find('\0', name_end + 1);
    if (value_end == std::string::npos) return std::nullopt;
    env.emplace_back(block.substr(pos, name_end - pos), block.substr(name_end + 1, value_end - name_end - 1));
    pos = value_end + 1;
  }
  return std::nullopt;
}

}  // namespace sesame::providers::filesystem
