#include "providers/filesystem/log_format.h"

namespace sesame::providers::filesystem {

std::string FormatLogEntry(const LogEntry& entry) {
  std::string line = FormatTime(entry.time, true);
  line += entry.stream == LogStream::kStdout ? " stdout " : " stderr ";
  line += entry.partial ? "P " : "F ";
  line += entry.text;
  line += '\n';
  return line;
}

std::optional<LogEntry> ParseLogEntry(std::string_view line) {
  size_t time_end = line.find(' ');
  if (time_end == std::string_view::npos) return std::nullopt;
  auto time = ParseTime(line.substr(0, time_end));
  std::string_view rest = line.substr(time_end + 1);
  if (!time || rest.size() < 9 || rest[6] != ' ' || rest[8] != ' ') return std::nullopt;
  LogEntry entry;
  entry.time = *time;
  if (rest.substr(0, 6) == "stdout") {
    entry.stream = LogStream::kStdout;
  } else if (rest.substr(0, 6) == "stderr") {
    entry.stream = LogStream::kStderr;
  } else {
    return std::nullopt;
  }
  if (rest[7] != 'P' && rest[7] != 'F') return std::nullopt;
  entry.partial = rest[7] == 'P';
  entry.text = std::string(rest.substr(9));
  return entry;
}

void LineSplitter::Add(std::string_view data, Time now) {
  while (!data.empty()) {
    size_t newline = data.find('\n');
    if (newline == std::string_view::npos) {
      if (pending_.empty()) pending_since_ = now;
      pending_.append(data);
      if (pending_.size() >= kMaxPending) Flush(now, Millis(0));
      return;
    }
    pending_.append(data.substr(0, newline));
    sink_(LogEntry{now, stream_, false, std::move(pending_)});
    pending_.clear();
    data.remove_prefix(newline + 1);
  }
}

void LineSplitter::Flush(Time now, Millis max_age) {
  if (pending_.empty() || now - pending_since_ < max_age) return;
  sink_(LogEntry{now, stream_, true, std::move(pending_)});
  pending_.clear();
}

}  // namespace sesame::providers::filesystem
