#include "providers/docker/warm_session.h"

#include <cctype>

namespace sesame::providers::docker {
namespace {

bool ShellName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string SessionScript(const std::vector<std::string>& command,
                          const std::vector<std::pair<std::string, std::string>>& env) {
  std::string s;
  for (const auto& [name, value] : env) {
    if (ShellName(name)) s += "export " + name + "=" + ShellQuote(value) + "\n";
  }
  s += "exec";
  if (command.empty()) s += " sleep infinity";  // an idle sandbox, as a cold one runs
  for (const std::string& arg : command) s += " " + ShellQuote(arg);
  return s + "\n";
}

}  // namespace sesame::providers::docker
