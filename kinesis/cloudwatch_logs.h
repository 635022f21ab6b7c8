// CloudWatch Logs subscription messages (SPEC §4.1 step 3).
//
// A subscription filter that targets a Kinesis stream writes each batch of
// log events as one record: gzip of a JSON object with messageType, owner,
// logGroup, logStream, subscriptionFilters and logEvents. LogMessageParser
// reads one such object; it answers "not a log message" for any other JSON
// (or non-JSON), which then goes on as an ordinary payload. Views point into
// the parser's own buffers and the input, and live until the next parse().
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace k2c {

struct LogEvent {
  std::string_view id;
  int64_t timestamp_ms = 0;
  std::string_view message;
};

struct LogMessage {
  enum class Type { data, control } type = Type::data;
  std::string_view owner, log_group, log_stream;
  std::vector<LogEvent> events;
};

class LogMessageParser {
 public:
  // `payload` must have simdjson::SIMDJSON_PADDING readable bytes after its
  // end. True when it is a DATA_MESSAGE or CONTROL_MESSAGE with all four
  // keys (messageType, logGroup, logStream, logEvents an array of objects
  // with a string `message`); `out` then describes it.
  bool parse(std::string_view payload, LogMessage& out);

 private:
  simdjson::ondemand::parser parser_;
};

// A cheap test that `payload` may be a log message: its first key is
// "messageType", as CloudWatch Logs writes it. Payloads that pass still go
// through parse().
bool may_be_log_message(std::string_view payload);

}  // namespace k2c
