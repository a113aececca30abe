#include "common/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>
#include <mutex>

namespace sesame {
namespace {

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

LogLevel FromSpd(spdlog::level::level_enum level) {
  if (level <= spdlog::level::debug) return LogLevel::kDebug;
  if (level == spdlog::level::info) return LogLevel::kInfo;
  if (level == spdlog::level::warn) return LogLevel::kWarn;
  return LogLevel::kError;
}

// RFC 3339 in UTC with milliseconds: 2025-01-02T03:04:05.678Z.
std::string FormatLogTime(spdlog::log_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buffer;
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string message(msg.payload.data(), msg.payload.size());
    std::string time = FormatLogTime(msg.time);
    LogLevel level = FromSpd(msg.level);
    std::string line;
    if (format_ == LogFormat::kJson) {
      line = JsonLogLine(time, level, message);
    } else {
      std::string name = ToString(level);
      name.resize(5, ' ');
      line = time + " " + name + " " + message;
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  const LogFormat format_;
};

// Hands each formatted line to a function (tests).
class FunctionSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit FunctionSink(std::function<void(const std::string&)> f) : f_(std::move(f)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buffer;
    formatter_->format(msg, buffer);
    std::string line(buffer.data(), buffer.size());
    if (!line.empty() && line.back() == '\n') line.pop_back();
    f_(line);
  }
  void flush_() override {}

 private:
  std::function<void(const std::string&)> f_;
};

std::once_flag configured_once;

void EnsureConfigured() {
  std::call_once(configured_once, [] {
    if (!spdlog::get("sesame")) ConfigureLogging(LogFormat::kText, LogLevel::kInfo);
  });
}

}  // namespace

Result<LogFormat> ParseLogFormat(const std::string& text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return InvalidError("--log-format: \"" + text + "\" is not one of json, text");
}

Result<LogLevel> ParseLogLevel(const std::string& text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn" || text == "warning") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  return InvalidError("--log-level: \"" + text + "\" is not one of debug, info, warn, error");
}

const char* ToString(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

void ConfigureLogging(LogFormat format, LogLevel level, std::function<void(const std::string&)> sink) {
  spdlog::sink_ptr out;
  if (sink) out = std::make_shared<FunctionSink>(std::move(sink));
  else out = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  out->set_formatter(std::make_unique<LineFormatter>(format));
  auto logger = std::make_shared<spdlog::logger>("sesame", std::move(out));
  logger->set_level(ToSpd(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::drop("sesame");
  spdlog::register_logger(logger);
  spdlog::set_default_logger(logger);
}

bool LogEnabled(LogLevel level) {
  EnsureConfigured();
  return spdlog::default_logger_raw()->should_log(ToSpd(level));
}

void Log(LogLevel level, const std::string& message) {
  EnsureConfigured();
  spdlog::default_logger_raw()->log(ToSpd(level), spdlog::string_view_t(message.data(), message.size()));
}

std::string JsonLogLine(const std::string& time, LogLevel level, const std::string& message) {
  std::string out = "{\"time\":\"" + time + "\",\"level\":\"" + ToString(level) + "\",\"msg\":\"";
  for (unsigned char c : message) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"}";
}

}  // namespace sesame
