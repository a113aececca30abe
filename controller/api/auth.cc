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
    for (std::string ns; words >> ns;) {
      Grant g{ns, true};
      if (auto colon = ns.find(':'); colon != std::string::npos) {
        if (ns.substr(colon) != ":read") {
          return InvalidError(file + ":" + std::to_string(number) + ": \"" + ns.substr(colon) +
                              "\": the only access suffix is :read (NAMESPACE:read)");
        }
        g = {ns.substr(0, colon), false};
      }
      e.grants.push_back(std::move(g));
    }
    if (e.grants.empty()) {
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

const TokenTable::Entry* TokenTable::Find(const std::string& header) const {
  const std::string prefix = "Bearer ";
  if (header.compare(0, prefix.size(), prefix) != 0) return nullptr;
  std::string token = header.substr(prefix.size());
  const Entry* match = nullptr;
  // Compare with every entry, so the time does not tell which one matched.
  for (const auto& e : entries_) {
    if (ConstantTimeEquals(e.token, token) && match == nullptr) match = &e;
  }
  return match;
}

TokenTable::Decision TokenTable::Authorize(const std::string& header, const std::string& ns,
                                           bool write) const {
  const Entry* match = Find(header);
  if (match == nullptr) return Decision::kUnauthenticated;
  for (const auto& g : match->grants) {
    if ((g.ns == "*" || (!ns.empty() && g.ns == ns)) && (g.write || !write)) return Decision::kAllowed;
  }
  return Decision::kForbidden;
}

std::vector<TokenTable::Grant> TokenTable::GrantsOf(const std::string& header) const {
  const Entry* match = Find(header);
  return match ? match->grants : std::vector<Grant>{};
}

}  // namespace sesame::controller::api
