#include "specs/quantity.h"

#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>

namespace sesame::specs {

namespace {

using int128 = __int128;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
// Fraction digits kept exactly; any further nonzero digit rounds up.
constexpr int kFractionDigits = 9;
constexpr int64_t kFractionScale = 1000000000;

// A non-negative decimal number split into its parts: integer + fraction /
// 10^9, with `inexact` set when nonzero digits were dropped.
struct Decimal {
  int128 integer = 0;
  int64_t fraction = 0;
  bool inexact = false;
  bool overflow = false;
};

// Reads [0-9]*(.[0-9]*)? from the front of `s`; returns the characters used,
// or 0 when there is no digit at all.
size_t ReadDecimal(std::string_view s, Decimal* d) {
  size_t i = 0, digits = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++digits) {
    d->integer = d->integer * 10 + (s[i] - '0');
    if (d->integer > kInt64Max) d->overflow = true, d->integer = kInt64Max;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    int kept = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++digits) {
      if (kept < kFractionDigits) {
        d->fraction = d->fraction * 10 + (s[i] - '0');
        ++kept;
      } else if (s[i] != '0') {
        d->inexact = true;
      }
    }
    for (; kept < kFractionDigits; ++kept) d->fraction *= 10;
  }
  return digits == 0 ? 0 : i;
}

// value * num / den, rounded up; nullopt on overflow. `den` is a power of ten.
std::optional<int64_t> ScaleUp(const Decimal& d, int128 num, int128 den) {
  if (d.overflow) return std::nullopt;
  if (d.integer > 0 && d.integer > int128(kInt64Max) * den / num) return std::nullopt;
  int128 whole = d.integer * num;
  int128 result = whole / den;
  int128 rest = (whole % den) * kFractionScale + int128(d.fraction) * num;
  int128 divisor = int128(kFractionScale) * den;
  result += rest / divisor;
  if (rest % divisor != 0 || d.inexact) result += 1;
  if (result > kInt64Max) return std::nullopt;
  return static_cast<int64_t>(result);
}

int128 Pow(int128 base, int exp) {
  int128 r = 1;
  while (exp-- > 0) r *= base;
  return r;
}

// The multiplier of a suffix, times 1000 (the result is in milli-units).
std::optional<int128> SuffixMilli(std::string_view suffix) {
  static constexpr std::string_view kDecimal = "kMGTPE";
  static constexpr std::string_view kBinary = "KMGTPE";
  if (suffix.empty()) return int128(1000);
  if (suffix == "m") return int128(1);
  if (suffix.size() == 1 && kDecimal.find(suffix[0]) != std::string_view::npos) {
    return Pow(10, 3 * (static_cast<int>(kDecimal.find(suffix[0])) + 1)) * 1000;
  }
  if (suffix.size() == 2 && suffix[1] == 'i' &&
      kBinary.find(suffix[0]) != std::string_view::npos) {
    return Pow(1024, static_cast<int>(kBinary.find(suffix[0])) + 1) * 1000;
  }
  return std::nullopt;
}

// "4GB" -> "use 4G or 4Gi"; the common ways people write sizes elsewhere.
std::string SuggestFix(std::string_view number, std::string_view suffix) {
  std::string s(suffix);
  if (!s.empty() && (s.back() == 'B' || s.back() == 'b')) s.pop_back();
  std::string num(number);
  if (s.empty()) return suffix.empty() ? "" : " (use " + num + ")";
  bool binary = s.size() == 2 && (s[1] == 'i' || s[1] == 'I');
  if (s.size() > 2 || (s.size() == 2 && !binary)) return "";
  char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  if (std::string_view("KMGTPE").find(unit) == std::string_view::npos) return "";
  std::string dec = unit == 'K' ? "k" : std::string(1, unit);
  std::string bin = std::string(1, unit) + "i";
  if (binary) return " (use " + num + bin + ")";
  return " (use " + num + dec + " or " + num + bin + ")";
}

Status NotAQuantity(std::string_view text, std::string_view number, std::string_view suffix) {
  std::string hint = number.empty() ? "" : SuggestFix(number, suffix);
  if (hint.empty()) hint = " (examples: 500m, 2, 1.5, 512Mi, 4Gi, 10G)";
  return InvalidError("\"" + std::string(text) + "\" is not a quantity" + hint);
}

// Parses "e3", "E-2" after the number; Kubernetes reads "E" alone as exa.
std::optional<int> ReadExponent(std::string_view suffix) {
  if (suffix.size() < 2 || (suffix[0] != 'e' && suffix[0] != 'E')) return std::nullopt;
  size_t i = 1;
  bool negative = false;
  if (suffix[i] == '+' || suffix[i] == '-') negative = suffix[i++] == '-';
  if (i == suffix.size() || suffix.size() - i > 2) return std::nullopt;
  int exp = 0;
  for (; i < suffix.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(suffix[i]))) return std::nullopt;
    exp = exp * 10 + (suffix[i] - '0');
  }
  return negative ? -exp : exp;
}

}  // namespace

Result<Quantity> ParseQuantity(std::string_view text) {
  if (text.empty()) return InvalidError("\"\" is not a quantity (examples: 500m, 2, 512Mi, 4Gi)");
  if (text[0] == '-') return InvalidError("\"" + std::string(text) + "\" is negative");
  Decimal d;
  size_t used = ReadDecimal(text, &d);
  if (used == 0) return NotAQuantity(text, "", "");
  std::string_view number = text.substr(0, used), suffix = text.substr(used);
  int128 num = 0, den = 1;
  if (auto milli = SuffixMilli(suffix)) {
    num = *milli;
  } else if (auto exp = ReadExponent(suffix); exp && *exp <= 18 && *exp >= -18) {
    if (*exp >= -3) {
      num = Pow(10, *exp + 3);
    } else {
      num = 1;
      den = Pow(10, -*exp - 3);
    }
  } else {
    return NotAQuantity(text, number, suffix);
  }
  std::optional<int64_t> milli = ScaleUp(d, num, den);
  if (!milli) return InvalidError("\"" + std::string(text) + "\" is too large");
  return Quantity{std::string(text), *milli};
}

namespace {

// Milliseconds per unit, or 0 for an unknown unit.
int64_t UnitMillis(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 3600 * 1000;
  if (unit == "d") return 24 * 3600 * 1000;
  return 0;
}

Status NotADuration(std::string_view text, std::string_view extra) {
  std::string t(text);
  std::string hint = extra.empty() ? "use e.g. 90s, 30m, 2h or 1h30m" : std::string(extra);
  return InvalidError("\"" + t + "\" is not a duration (" + hint + ")");
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return NotADuration(text, "");
  if (text[0] == '-') return InvalidError("\"" + std::string(text) + "\" is negative");
  if (text == "0") return Duration{"0", std::chrono::milliseconds(0)};
  int128 total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    Decimal d;
    size_t used = ReadDecimal(rest, &d);
    if (used == 0) return NotADuration(text, "");
    std::string_view number = rest.substr(0, used);
    rest.remove_prefix(used);
    size_t unit_len = 0;
    while (unit_len < rest.size() && std::isalpha(static_cast<unsigned char>(rest[unit_len]))) {
      ++unit_len;
    }
    std::string_view unit = rest.substr(0, unit_len);
    rest.remove_prefix(unit_len);
    if (unit.empty()) {
      std::string n(number);
      return NotADuration(text, "use " + n + "s, " + n + "m or " + n + "h");
    }
    int64_t per_unit = UnitMillis(unit);
    if (per_unit == 0) {
      return NotADuration(text, "unknown unit \"" + std::string(unit) +
                                    "\"; use ms, s, m, h or d");
    }
    // Sub-millisecond remainders round down: durations are timers, not sizes.
    Decimal part = d;
    part.inexact = false;
    int128 ms = part.integer * per_unit + int128(part.fraction) * per_unit / kFractionScale;
    total += ms;
    if (d.overflow || total > kInt64Max) {
      return InvalidError("\"" + std::string(text) + "\" is too long");
    }
  }
  return Duration{std::string(text), std::chrono::milliseconds(static_cast<int64_t>(total))};
}

std::string CheckDns1123Label(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > 63) {
    return "must be at most 63 characters (it has " + std::to_string(name.size()) + ")";
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = alnum(name.front()) && alnum(name.back());
  for (char c : name) ok = ok && (alnum(c) || c == '-');
  if (!ok) {
    return "must consist of lowercase letters, digits and '-', and start and end with a "
           "letter or digit";
  }
  return "";
}

}  // namespace sesame::specs
