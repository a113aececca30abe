#include "providers/filesystem/log_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <deque>
#include <thread>

#include "common/unique_fd.h"
#include "providers/filesystem/log_format.h"

namespace sesame::providers::filesystem {
namespace {

constexpr Millis kFollowInterval(100);

class Emitter {
 public:
  Emitter(const LogOptions& options, Streams& streams) : options_(options), streams_(streams) {}

  void Emit(const LogEntry& entry) {
    bool is_stdout = entry.stream == LogStream::kStdout;
    bool& at_line_start = is_stdout ? stdout_line_start_ : stderr_line_start_;
    std::string text;
    if (options_.timestamps && at_line_start) text = FormatTime(entry.time, true) + " ";
    text += entry.text;
    if (!entry.partial) text += '\n';
    at_line_start = !entry.partial;
    const auto& sink = is_stdout ? streams_.on_stdout : streams_.on_stderr;
    if (sink) sink(text);
  }

 private:
  const LogOptions& options_;
  Streams& streams_;
  bool stdout_line_start_ = true;
  bool stderr_line_start_ = true;
};

// Reads what is new in `fd` and returns its complete lines; an incomplete
// last line stays in `rest` until its newline arrives.
std::vector<std::string> ReadLines(int fd, std::string& rest) {
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) rest.append(buf, static_cast<size_t>(n));
  std::vector<std::string> lines;
  size_t start = 0, newline;
  while ((newline = rest.find('\n', start)) != std::string::npos) {
    lines.push_back(rest.substr(start, newline - start));
    start = newline + 1;
  }
  rest.erase(0, start);
  return lines;
}

bool Wanted(const LogEntry& entry, const LogOptions& options) {
  return !options.since || entry.time >= *options.since;
}

}  // namespace

Status StreamLog(const std::string& path, const LogOptions& options, Streams& streams,
                 const std::function<bool()>& session_ended) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  Emitter emitter(options, streams);
  std::string rest;
  std::deque<LogEntry> backlog;
  if (fd.valid()) {
    for (const std::string& line : ReadLines(fd.get(), rest)) {
      std::optional<LogEntry> entry = ParseLogEntry(line);
      if (!entry || !Wanted(*entry, options)) continue;
      backlog.push_back(std::move(*entry));
      if (options.tail && backlog.size() > *options.tail) backlog.pop_front();
    }
  }
  for (const LogEntry& entry : backlog) emitter.Emit(entry);
  if (!options.follow) return Status::Ok();

  while (!streams.cancelled()) {
    // Check for the end before reading, so output written just before the
    // session ended is still delivered.
    bool ended = session_ended();
    if (!fd.valid()) fd.Reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::vector<std::string> lines;
    if (fd.valid()) lines = ReadLines(fd.get(), rest);
    for (const std::string& line : lines) {
      std::optional<LogEntry> entry = ParseLogEntry(line);
      if (entry && Wanted(*entry, options)) emitter.Emit(*entry);
    }
    if (ended && lines.empty()) break;
    if (lines.empty()) std::this_thread::sleep_for(kFollowInterval);
  }
  return Status::Ok();
}

}  // namespace sesame::providers::filesystem
