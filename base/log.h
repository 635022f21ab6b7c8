// The function's own log lines, shaped by Lambda's advanced logging controls.
//
// AWS_LAMBDA_LOG_FORMAT picks the shape of a line. JSON: one object with
// "timestamp" (RFC 3339, UTC, milliseconds), "level", "requestId" (left out
// when there is none), "message", then the line's own fields; these are the
// keys Lambda's JSON log format carries and its log-level filter reads. Text:
// timestamp, request id ("-" when none), level and message separated by tabs,
// then the fields as ` key=value`. AWS_LAMBDA_LOG_LEVEL is the lowest level
// written; a line below it is dropped before it is formatted.
//
// A Logger formats into one reused buffer and hands each line to its LogSink
// in one call. It owns neither the sink nor the clock; both must outlive it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "base/env.h"

namespace k2c {

enum class LogLevel : uint8_t { trace, debug, info, warn, error, fatal };
enum class LogFormat : uint8_t { text, json };

// "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL".
const char* level_name(LogLevel level) noexcept;
// The names above, in any case; false for anything else.
bool parse_log_level(std::string_view text, LogLevel& level) noexcept;
// "JSON" or "Text", in any case; false for anything else.
bool parse_log_format(std::string_view text, LogFormat& format) noexcept;

struct LogField {
  std::string_view key;
  std::string_view value;
  bool json = false;  // value is JSON already (a number, an array): written as it is
};

// Appends the UTC time of `epoch_ms` as RFC 3339, e.g. 2024-05-01T12:00:00.123Z.
void append_rfc3339(std::string& out, int64_t epoch_ms);

// Appends `"timestamp":…,"level":…,"requestId":…,"message":…` and the fields,
// comma-separated and without braces: the members every JSON line of ours
// has, the metrics line included.
void append_json_members(std::string& out, int64_t epoch_ms, LogLevel level,
                         std::string_view request_id, std::string_view message,
                         std::span<const LogField> fields);

class Logger {
 public:
  Logger(LogSink& sink, const Clock& clock, LogFormat format, LogLevel threshold);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool enabled(LogLevel level) const { return level >= threshold_; }
  LogFormat format() const { return format_; }
  LogLevel threshold() const { return threshold_; }

  void log(LogLevel level, std::string_view request_id, std::string_view message,
           std::span<const LogField> fields);
  void log(LogLevel level, std::string_view request_id, std::string_view message,
           std::initializer_list<LogField> fields = {}) {
    log(level, request_id, message, std::span<const LogField>(fields.begin(), fields.size()));
  }

 private:
  LogSink& sink_;
  const Clock& clock_;
  LogFormat format_;
  LogLevel threshold_;
  std::string line_;
};

}  // namespace k2c
