#pragma once
// Checked parsing of the numbers users and clients type: flags
// (`--workers 4`, `--listen 127.0.0.1:7777`) and query parameters
// (`?resourceVersion=12`). The whole text must be a decimal number within
// the given range: "abc", "12x", " 7", "" and overflowing values are
// errors, never read as 0 or as their leading digits.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sesame {

// A decimal integer in [min, max] (an optional leading '-' only when min is
// negative). Errors are kInvalid and start with `what` (a flag or parameter
// name such as "--workers" or "resourceVersion"), quoting the text.
Result<int64_t> ParseInteger(std::string_view text, std::string_view what,
                             int64_t min = INT64_MIN, int64_t max = INT64_MAX);

// A TCP port, 0 to 65535 (0: the system picks one).
Result<int> ParsePort(std::string_view text, std::string_view what);

struct HostPort {
  std::string host;  // without the brackets of "[::1]:80"
  int port = 0;
};

// "HOST:PORT" ("127.0.0.1:7777", "[::1]:0", ":8080" for every address).
Result<HostPort> ParseHostPort(std::string_view text, std::string_view what);

}  // namespace sesame
