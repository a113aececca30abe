#pragma once
// The session log, output.log: one entry per line, in the CRI format that
// the kubelet writes for containers:
//
//   2026-12-01T00:00:00.123Z stdout F hello world
//   <RFC 3339, ms>           <stream> <tag> <text>
//
// Tag F ends a line of the program's output; tag P is a partial line that
// was flushed before its newline (after a pause or 16 KiB), to be joined with
// what follows. The text never contains '\n'.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"

namespace sesame::providers::filesystem {

enum class LogStream { kStdout, kStderr };

struct LogEntry {
  Time time;
  LogStream stream = LogStream::kStdout;
  bool partial = false;
  std::string text;
};

// The entry as one line, with the trailing '\n'.
std::string FormatLogEntry(const LogEntry& entry);
// One line without its '\n'; nullopt when it is not an entry.
std::optional<LogEntry> ParseLogEntry(std::string_view line);

// Cuts one output stream into entries: complete lines at once, a pending
// partial line when Flush says so. Not thread-safe.
class LineSplitter {
 public:
  static constexpr size_t kMaxPending = 16 * 1024;
  using Sink = std::function<void(const LogEntry&)>;

  LineSplitter(LogStream stream, Sink sink) : stream_(stream), sink_(std::move(sink)) {}
  // Emits every complete line of `data` (and the pending text when it grows
  // past kMaxPending).
  void Add(std::string_view data, Time now);
  // Emits pending text older than `max_age` as a partial entry (all pending
  // text when max_age is zero).
  void Flush(Time now, Millis max_age);
  bool has_pending() const { return !pending_.empty(); }

 private:
  LogStream stream_;
  Sink sink_;
  std::string pending_;
  Time pending_since_{};
};

}  // namespace sesame::providers::filesystem
