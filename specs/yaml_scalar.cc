#include "specs/yaml_scalar.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

namespace sesame::specs {

namespace {

bool IsDigits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                         : c >= '0' && c < static_cast<char>('0' + base);
    if (!ok) return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsCoreFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!IsDigits(s.substr(i), 10)) return false;
    i = s.size();
  }
  return i == s.size();
}

// Integers that overflow int64 become floats, as most YAML libraries do.
nlohmann::json ResolveInteger(std::string_view s, int base) {
  std::string text(s);
  errno = 0;
  long long v = std::strtoll(text.c_str(), nullptr, base);
  if (errno == ERANGE) return std::strtod(text.c_str(), nullptr);
  return static_cast<int64_t>(v);
}

}  // namespace

nlohmann::json ResolvePlainScalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string_view unsigned_part = s;
  if (s[0] == '-' || s[0] == '+') unsigned_part.remove_prefix(1);
  if (IsDigits(unsigned_part, 10)) return ResolveInteger(s, 10);
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && IsDigits(s.substr(2), 8)) {
    return ResolveInteger(s.substr(2), 8);
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && IsDigits(s.substr(2), 16)) {
    return ResolveInteger(s.substr(2), 16);
  }
  if (IsCoreFloat(s)) return std::strtod(std::string(s).c_str(), nullptr);
  return std::string(s);
}

bool IsPlainString(std::string_view text) {
  // Inf and NaN resolve to strings here but to floats elsewhere: quote them.
  std::string_view t = text;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
  if (t == ".inf" || t == ".Inf" || t == ".INF" || t == ".nan" || t == ".NaN" || t == ".NAN") {
    return false;
  }
  // YAML 1.1 readers (PyYAML, go-yaml v2) take these for bools.
  static constexpr std::string_view kYaml11Bools[] = {"y", "Y", "yes", "Yes", "YES", "n", "N",
                                                      "no", "No", "NO", "on", "On", "ON",
                                                      "off", "Off", "OFF"};
  for (std::string_view b : kYaml11Bools) {
    if (text == b) return false;
  }
  return ResolvePlainScalar(text).is_string();
}

}  // namespace sesame::specs
