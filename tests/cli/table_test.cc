// Tables as `sesame get` prints them: columns three spaces apart, and rows
// printed later (get -w) laid out on the columns of the table above.
#include <gtest/gtest.h>

#include "cli/printer.h"

namespace sesame::cli {
namespace {

TEST(TableTest, ColumnsAreAsWideAsTheirWidestCell) {
  EXPECT_EQ(FormatTable({{"NAME", "PHASE"}, {"a-long-name", "Ready"}}),
            "NAME          PHASE\n"
            "a-long-name   Ready\n");
}

TEST(TableTest, LaterRowsKeepTheColumnsOfTheTableAbove) {
  std::vector<std::vector<std::string>> table = {{"SANDBOX", "KIND", "TARGET", "RULE"},
                                                 {"hello", "network", "evil.com:443", "blocked"}};
  std::vector<size_t> widths = ColumnWidths(table);
  EXPECT_EQ(FormatRow({"box", "syscall", "ptrace", "seccomp"}, widths),
            "box       syscall   ptrace         seccomp\n");
  // A longer cell pushes the rest of its row right, three spaces after it.
  EXPECT_EQ(FormatRow({"box", "filesystem", "/a/long/path/beyond/the/column", "deny-read"}, widths),
            "box       filesystem   /a/long/path/beyond/the/column   deny-read\n");
  EXPECT_EQ(FormatTable(table), FormatRow(table[0], widths) + FormatRow(table[1], widths));
}

}  // namespace
}  // namespace sesame::cli
