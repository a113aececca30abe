// The "last N lines" of a session log, shared by the cloud providers' Logs.
#include <gtest/gtest.h>

#include "providers/http/cloud_support.h"

namespace sesame::providers::http {
namespace {

std::string Tail(std::string_view text, size_t lines) {
  return std::string(text.substr(TailStart(text, lines)));
}

TEST(TailTest, LastLines) {
  EXPECT_EQ(Tail("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(Tail("a\nb\nc", 2), "b\nc");  // an unfinished last line counts
  EXPECT_EQ(Tail("a\nb\nc\n", 1), "c\n");
  EXPECT_EQ(Tail("a\nb\nc\n", 3), "a\nb\nc\n");
  EXPECT_EQ(Tail("a\nb\nc\n", 10), "a\nb\nc\n");
  EXPECT_EQ(Tail("a\nb\nc\n", 0), "");
  EXPECT_EQ(Tail("", 2), "");
  EXPECT_EQ(Tail("\n\n\n", 2), "\n\n");
}

}  // namespace
}  // namespace sesame::providers::http
