#include "common/time.h"

#include <cstdio>
#include <ctime>

namespace sesame {

std::string FormatTime(Time t, bool fraction) {
  auto ms = std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  if (ms < 0 && ms % 1000 != 0) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  if (fraction) {
    long frac = static_cast<long>(((ms % 1000) + 1000) % 1000);
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buf;
}

std::optional<Time> ParseTime(std::string_view text) {
  std::string s(text);
  int year, mon, day, hour, min, sec, consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day, &hour, &min, &sec,
                  &consumed) != 6 || consumed != 19) {
    return std::nullopt;
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  long millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  long offset_secs = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om, n = 0;
    if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5) {
      return std::nullopt;
    }
    offset_secs = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  std::time_t secs = timegm(&tm) - offset_secs;
  // A Time counts nanoseconds in 64 bits (years 1678 to 2262): refuse what
  // it cannot hold rather than overflow.
  const auto limit = std::chrono::duration_cast<std::chrono::seconds>(Time::duration::max()).count() - 1;
  if (secs > limit || secs < -limit) return std::nullopt;
  return Time(std::chrono::seconds(secs) + Millis(millis));
}

std::string HumanDuration(Millis d) {
  long s = static_cast<long>(d.count() / 1000);
  if (s < 0) s = 0;
  char buf[32];
  if (s < 120) std::snprintf(buf, sizeof buf, "%lds", s);
  else if (s < 2 * 3600) std::snprintf(buf, sizeof buf, "%ldm", s / 60);
  else if (s < 48 * 3600) std::snprintf(buf, sizeof buf, "%ldh", s / 3600);
  else std::snprintf(buf, sizeof buf, "%ldd", s / 86400);
  return buf;
}

namespace {
class RealClock final : public Clock {
 public:
  Time Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::now();
  }
};
}  // namespace

const Clock& Clock::Real() {
  static const RealClock clock;
  return clock;
}

}  // namespace sesame
