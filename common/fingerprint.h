#pragma once
// A short, stable fingerprint of a text (64-bit FNV-1a as 16 hex digits):
// for telling whether something changed, or naming an installation in
// labels. Not a security boundary.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace sesame {

inline std::string Fingerprint(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace sesame
