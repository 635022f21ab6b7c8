#include "base/log.h"

#include <time.h>

#include <charconv>
#include <cstddef>
#include <iterator>

#include "base/json_string.h"

namespace k2c {
namespace {

constexpr const char* kLevelNames[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Appends `value` as exactly `width` decimal digits (zero-padded).
void append_digits(std::string& out, int64_t value, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

// Text lines: one event per line and four tab-separated columns, so a line
// break or a tab quoted by a message becomes a space.
void append_text(std::string& out, std::string_view s) {
  for (char c : s) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
}

}  // namespace

const char* level_name(LogLevel level) noexcept { return kLevelNames[static_cast<size_t>(level)]; }

bool parse_log_level(std::string_view text, LogLevel& level) noexcept {
  for (size_t i = 0; i < std::size(kLevelNames); ++i) {
    if (equals_ignoring_case(text, kLevelNames[i])) {
      level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

bool parse_log_format(std::string_view text, LogFormat& format) noexcept {
  if (equals_ignoring_case(text, "json")) {
    format = LogFormat::json;
    return true;
  }
  if (equals_ignoring_case(text, "text")) {
    format = LogFormat::text;
    return true;
  }
  return false;
}

void append_rfc3339(std::string& out, int64_t epoch_ms) {
  if (epoch_ms < 0) epoch_ms = 0;
  const time_t seconds = static_cast<time_t>(epoch_ms / 1000);
  tm t{};
  gmtime_r(&seconds, &t);
  append_digits(out, t.tm_year + 1900, 4);
  out.push_back('-');
  append_digits(out, t.tm_mon + 1, 2);
  out.push_back('-');
  append_digits(out, t.tm_mday, 2);
  out.push_back('T');
  append_digits(out, t.tm_hour, 2);
  out.push_back(':');
  append_digits(out, t.tm_min, 2);
  out.push_back(':');
  append_digits(out, t.tm_sec, 2);
  out.push_back('.');
  append_digits(out, epoch_ms % 1000, 3);
  out.push_back('Z');
}

void append_json_members(std::string& out, int64_t epoch_ms, LogLevel level,
                         std::string_view request_id, std::string_view message,
                         std::span<const LogField> fields) {
  out += "\"timestamp\":\"";
  append_rfc3339(out, epoch_ms);
  out += "\",\"level\":\"";
  out += level_name(level);
  out += '"';
  if (!request_id.empty()) {
    out += ",\"requestId\":";
    append_json_string(out, request_id);
  }
  out += ",\"message\":";
  append_json_string(out, message);
  for (const LogField& f : fields) {
    out += ',';
    append_json_string(out, f.key);
    out += ':';
    if (f.json) {
      out += f.value;
    } else {
      append_json_string(out, f.value);
    }
  }
}

Logger::Logger(LogSink& sink, const Clock& clock, LogFormat format, LogLevel threshold)
    : sink_(sink), clock_(clock), format_(format), threshold_(threshold) {}

void Logger::log(LogLevel level, std::string_view request_id, std::string_view message,
                 std::span<const LogField> fields) {
  if (!enabled(level)) return;
  line_.clear();
  const int64_t now_ms = clock_.epoch_ms();
  if (format_ == LogFormat::json) {
    line_ += '{';
    append_json_members(line_, now_ms, level, request_id, message, fields);
    line_ += '}';
  } else {
    append_rfc3339(line_, now_ms);
    line_ += '\t';
    line_ += request_id.empty() ? std::string_view("-") : request_id;
    line_ += '\t';
    line_ += level_name(level);
    line_ += '\t';
    append_text(line_, message);
    for (const LogField& f : fields) {
      line_ += ' ';
      append_text(line_, f.key);
      line_ += '=';
      append_text(line_, f.value);
    }
  }
  sink_.write(line_);
}

}  // namespace k2c
