#include "providers/filesystem/log_format.h"

#include <gtest/gtest.h>

#include <vector>

namespace sesame::providers::filesystem {
namespace {

Time At(int64_t ms) { return Time(std::chrono::milliseconds(ms)); }

TEST(LogFormatTest, RoundTripsAnEntry) {
  LogEntry entry{At(1700000000123), LogStream::kStderr, false, "hello  world"};
  std::string line = FormatLogEntry(entry);
  EXPECT_EQ(line, "2023-11-14T22:13:20.123Z stderr F hello  world\n");
  auto parsed = ParseLogEntry(line.substr(0, line.size() - 1));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->time, entry.time);
  EXPECT_EQ(parsed->stream, LogStream::kStderr);
  EXPECT_FALSE(parsed->partial);
  EXPECT_EQ(parsed->text, "hello  world");
}

TEST(LogFormatTest, KeepsEmptyLines) {
  auto parsed = ParseLogEntry("2023-11-14T22:13:20.123Z stdout F ");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->text, "");
}

TEST(LogFormatTest, RejectsGarbage) {
  EXPECT_FALSE(ParseLogEntry("not a log line"));
  EXPECT_FALSE(ParseLogEntry("2023-11-14T22:13:20.123Z stdin F x"));
  EXPECT_FALSE(ParseLogEntry("2023-11-14T22:13:20.123Z stdout X x"));
}

TEST(LineSplitterTest, SplitsLinesAndFlushesPartialOnes) {
  std::vector<LogEntry> out;
  LineSplitter splitter(LogStream::kStdout, [&](const LogEntry& e) { out.push_back(e); });
  splitter.Add("one\ntw", At(0));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "one");
  splitter.Flush(At(100), Millis(200));  // too young
  EXPECT_EQ(out.size(), 1u);
  splitter.Flush(At(300), Millis(200));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].text, "tw");
  EXPECT_TRUE(out[1].partial);
  splitter.Add("o\n", At(400));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].text, "o");
  EXPECT_FALSE(out[2].partial);
}

TEST(LineSplitterTest, CutsVeryLongLines) {
  std::vector<LogEntry> out;
  LineSplitter splitter(LogStream::kStdout, [&](const LogEntry& e) { out.push_back(e); });
  splitter.Add(std::string(LineSplitter::kMaxPending + 10, 'x'), At(0));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].partial);
}

}  // namespace
}  // namespace sesame::providers::filesystem
