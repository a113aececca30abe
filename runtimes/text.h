#pragma once
// Small text helpers shared by the parsers of this folder.

#include <string>
#include <string_view>
#include <vector>

namespace sesame::runtimes {

std::string_view Trim(std::string_view s);
// `line` without a trailing comment that starts with `marker` outside
// double or single quotes.
std::string_view StripComment(std::string_view line, char marker = '#');
std::vector<std::string_view> SplitLines(std::string_view content);
std::vector<std::string> SplitWords(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
// The contents of a quoted TOML/YAML string ("x" or 'x'), or `s` trimmed
// when it is not quoted.
std::string Unquote(std::string_view s);
// The quoted strings of a one-line array: ["a", 'b'] -> {a, b}.
std::vector<std::string> ParseStringArray(std::string_view s);

}  // namespace sesame::runtimes
