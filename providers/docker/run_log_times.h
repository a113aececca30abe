#pragma once
// Docker keeps one log per container across restarts of its command. The
// output of the run before the last restart (logs --previous) is the
// part of it between two log times: the last entry's time when the run
// before ended, and the last entry's time when that run ended. Log times
// are the engine's RFC 3339 timestamps with nanoseconds; the log API
// takes them back as "SECONDS.NANOSECONDS".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sesame::providers::docker {

// Nanoseconds since the epoch of the timestamp that starts a log line read
// with timestamps=1 ("2026-12-03T16:28:41.123456789Z text"); nullopt when
// the line starts with none.
std::optional<int64_t> LogLineTime(std::string_view line);

// "1796315283.375734073", as the log API's since= and until= take it.
std::string LogApiTime(int64_t nanos);

// The last `n` lines of `text` (a last line without newline counts).
std::string_view LastLines(std::string_view text, size_t n);

}  // namespace sesame::providers::docker
