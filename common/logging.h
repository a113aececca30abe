#pragma once
// The process's log: one line per event on stderr, through spdlog, either
// as text ("2025-01-02T03:04:05.678Z info  message") or as one JSON object
// per line ({"time":"2025-01-02T03:04:05.678Z","level":"info","msg":"..."}).
// Until ConfigureLogging is called, lines go out as text at level info.
//
// Callers never pass tokens, secrets or request bodies: a line names
// objects, routes and outcomes only.
//
// Thread safety: the Log functions may be called from any thread;
// ConfigureLogging is meant for startup (it replaces the logger).

#include <functional>
#include <string>

#include "common/status.h"

namespace sesame {

enum class LogFormat { kText, kJson };
enum class LogLevel { kDebug, kInfo, kWarn, kError };

// "text" | "json"; "debug" | "info" | "warn" | "error".
Result<LogFormat> ParseLogFormat(const std::string& text);
Result<LogLevel> ParseLogLevel(const std::string& text);
const char* ToString(LogLevel level);

// Lines at `level` and above go to stderr in `format`. With `sink`, each
// formatted line (without its newline) goes to `sink` instead (for tests).
void ConfigureLogging(LogFormat format, LogLevel level,
                      std::function<void(const std::string& line)> sink = nullptr);

// Whether a line at `level` would be written (to skip building it).
bool LogEnabled(LogLevel level);
void Log(LogLevel level, const std::string& message);
inline void LogDebug(const std::string& m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(const std::string& m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(const std::string& m) { Log(LogLevel::kWarn, m); }
inline void LogError(const std::string& m) { Log(LogLevel::kError, m); }

// {"time":TIME,"level":LEVEL,"msg":MESSAGE} with JSON string escaping;
// what the JSON format writes, testable from strings.
std::string JsonLogLine(const std::string& time, LogLevel level, const std::string& message);

}  // namespace sesame
