#include "cli/unified_diff.h"

#include <sstream>
#include <vector>

namespace sesame::cli {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct Edit {
  char op;  // ' ', '-', '+'
  std::string line;
};

// Longest-common-subsequence edit script. Specs are small (tens of lines),
// so the quadratic table is fine.
std::vector<Edit> EditScript(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', a[i++]});
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({'-', a[i++]});  // removals first, as diff -u prints them
    } else {
      edits.push_back({'+', b[j++]});
    }
  }
  return edits;
}

}  // namespace

std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& before_label, const std::string& after_label,
                        int context) {
  if (before == after) return "";
  std::vector<Edit> edits = EditScript(Lines(before), Lines(after));
  std::string out = "--- " + before_label + "\n+++ " + after_label + "\n";
  size_t k = 0;
  const size_t ctx = static_cast<size_t>(context);
  while (k < edits.size()) {
    // Find the next change, then grow the hunk while changes are close.
    size_t first = k;
    while (first < edits.size() && edits[first].op == ' ') ++first;
    if (first == edits.size()) break;
    size_t start = first > ctx ? first - ctx : 0;
    size_t end = first;
    for (size_t p = first; p < edits.size(); ++p) {
      if (edits[p].op != ' ') end = p;
      else if (p - end > 2 * ctx) break;
    }
    end = std::min(edits.size(), end + ctx + 1);
    // Line numbers of the hunk in both files.
    size_t a_line = 1, b_line = 1;
    for (size_t p = 0; p < start; ++p) {
      if (edits[p].op != '+') ++a_line;
      if (edits[p].op != '-') ++b_line;
    }
    size_t a_count = 0, b_count = 0;
    std::string body;
    for (size_t p = start; p < end; ++p) {
      if (edits[p].op != '+') ++a_count;
      if (edits[p].op != '-') ++b_count;
      body += edits[p].op + edits[p].line + "\n";
    }
    out += "@@ -" + std::to_string(a_count ? a_line : a_line - 1) + "," + std::to_string(a_count) +
           " +" + std::to_string(b_count ? b_line : b_line - 1) + "," + std::to_string(b_count) +
           " @@\n" + body;
    k = end;
  }
  return out;
}

}  // namespace sesame::cli
