#pragma once
// A line-based unified diff (as `diff -u` prints it), for `sesame diff`.

#include <string>

namespace sesame::cli {

// Empty when `before` and `after` are equal; otherwise the "---"/"+++"
// header with the given labels and hunks with `context` lines around
// each change.
std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& before_label, const std::string& after_label,
                        int context = 3);

}  // namespace sesame::cli
