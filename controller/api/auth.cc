#include "controller/api/auth.h"

#include <fstream>
#include <sstream>

namespace sesame::controller::api {

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::string& longer = a.size() >= b.size() ? a : b;
  for (size_t i = 0; i < longer.size(); ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

Result<TokenTable> TokenTable::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidError(path + ": cannot read the token file");
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

Result<TokenTable> TokenTable::Parse(const std::string& text, const std::string& file) {
  TokenTable table;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    Entry e;
    if (!(words >> e.token)) continue;
    for (std::string ns; words >> ns;) e.namespaces.push_back(ns);
    if (e.namespaces.empty()) {
      return InvalidError(file + ":" + std::to_string(number) +
                          ": a token needs at least one namespace (or * for all)");
    }
    if (e.token.size() < 16) {
      return InvalidError(file + ":" + std::to_string(number) +
                          ": tokens must be at least 16 characters");
    }
    table.entries_.push_back(std::move(e));
  }
  if (table.entries_.empty()) return InvalidError(file + ": no tokens");
  return table;
}

TokenTable::Decision TokenTable::Authorize(const std::string& header, const std::string& ns) const {
  const std::string prefix = "Bearer ";
  if (header.compare(0, prefix.size(), prefix) != 0) return Decision::kUnauthenticated;
  std::string token = header.substr(prefix.size());
  const Entry* match = nullptr;
  // Compare with every entry, so the time does not tell which one matched.
  for (const auto& e : entries_) {
    if (ConstantTimeEquals(e.token, token) && match == nullptr) match = &e;
  }
  if (match == nullptr) return Decision::kUnauthenticated;
  for (const auto& allowed : match->namespaces) {
    if (allowed == "*" || (!ns.empty() && allowed == ns)) return Decision::kAllowed;
  }
  return Decision::kForbidden;
}

}  // namespace sesame::controller::api
