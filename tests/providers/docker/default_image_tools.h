#pragma once
// What the default image, sesame-sandbox:latest (scripts/build-image), must
// run: each command and what its output must contain.

#include <string>
#include <utility>
#include <vector>

namespace sesame::providers::docker::testing {

inline constexpr char kDefaultImage[] = "sesame-sandbox:latest";

inline const std::vector<std::pair<std::string, std::string>>& DefaultImageTools() {
  static const std::vector<std::pair<std::string, std::string>> tools = {
      {"mise --version", "linux-x64"},    {"node --version", "v22."},
      {"python3 --version", "Python 3."}, {"go version", "go version go1."},
      {"ruby --version", "ruby 3."},      {"rustc --version", "rustc 1."},
      {"bun --version", "1."},            {"claude --version", "Claude Code"},
      {"codex --version", "codex-cli"},   {"gemini --version", "0."},
  };
  return tools;
}

}  // namespace sesame::providers::docker::testing
