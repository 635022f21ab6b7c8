// From one Kinesis record to its payloads (SPEC §4.1, steps 1-4).
//
// PayloadSplitter::split() takes a record's decoded data and lists what goes
// on to the two lanes: the KPL user records of an aggregate (each with its
// own partition key and sub-sequence number), each inflated when it is gzip
// or zlib, each CloudWatch Logs DATA_MESSAGE split into its log events, and
// the route's format (text: no JSON at all). A payload that cannot be stored
// (corrupt compression, too large inflated) is listed with its error code
// and the bytes the failing step saw. A CONTROL_MESSAGE yields nothing and
// is counted.
//
// Plain JSON pays four byte compares (the KPL magic, gzip and zlib headers,
// a CloudWatch Logs message's first key: is_plain()) and is passed on as it
// is, without a copy. Views point into the record's buffer or the splitter's own, and
// live until the next split(). Every payload's bytes are followed by at least
// simdjson::SIMDJSON_PADDING readable bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "kinesis/cloudwatch_logs.h"
#include "kinesis/inflate.h"
#include "kinesis/kpl.h"

namespace k2c {

// More than this inflated is payload_too_large (SPEC §5).
constexpr size_t kMaxInflatedBytes = 16u << 20;

struct LogFields {
  std::string owner, log_group, log_stream;
};

struct Payload {
  std::string_view bytes;
  size_t readable = 0;  // bytes readable from bytes.data(): >= size + SIMDJSON_PADDING
  std::string_view partition_key;
  uint64_t sub_sequence = 0;
  // Not parsed as JSON: only virtual columns are filled (route format text,
  // or a log event whose message is not a JSON object).
  bool text = false;
  // A CloudWatch Logs event: its message's fields (else nullptr), its id and
  // timestamp. `bytes` is then the event's message text.
  const LogFields* log = nullptr;
  std::string_view log_event_id;
  int64_t log_timestamp_ms = 0;
  // Set when the payload cannot be stored: the dead letter's error_kind, and
  // `bytes` is what the failing step saw.
  ErrorCode error = ErrorCode::none;
  const char* error_message = "";  // static text
};

// True when split() would pass `data` on unchanged as one payload: no KPL
// magic, no gzip or zlib header, and (json routes) not a CloudWatch Logs
// message's opening.
inline bool is_plain(std::string_view data, bool text) {
  return !has_kpl_magic(data) && sniff_compression(data) == Compressed::none &&
         (text || !may_be_log_message(data));
}

class PayloadSplitter {
 public:
  // `data` has `readable` bytes readable from data.data() (>= size +
  // SIMDJSON_PADDING). `partition_key` is the record's own. `text`: the
  // route's format is text. Returns the payloads, in order.
  const std::vector<Payload>& split(std::string_view data, size_t readable,
                                    std::string_view partition_key, bool text);

  // CloudWatch Logs control messages skipped since construction.
  uint64_t control_messages() const { return control_messages_; }
  // Payloads that came out of a KPL aggregate since construction.
  uint64_t user_records() const { return user_records_; }

 private:
  // Steps 2-4 for one payload (a whole record, or one user record).
  void add(std::string_view bytes, size_t readable, std::string_view partition_key,
           uint64_t sub_sequence, bool text);
  void add_log_events(const LogMessage& message, std::string_view partition_key,
                      uint64_t sub_sequence);

  // Buffers reused across splits; held by pointer so views into them survive
  // the growth of the vectors that hold them.
  std::string* next_inflated();
  LogFields* next_log_fields();

  Deaggregator deaggregator_;
  std::vector<UserRecord> users_;
  Inflater inflater_;
  std::vector<std::unique_ptr<std::string>> inflated_;  // per payload inflated in this split
  size_t inflated_used_ = 0;
  LogMessageParser log_parser_;
  LogMessage log_;
  std::vector<std::unique_ptr<LogFields>> log_fields_;  // per log message of this split
  size_t log_fields_used_ = 0;
  // Log event ids and messages of this split, each message followed by
  // padding; payloads refer to them by offset until split() ends.
  std::string messages_;
  struct Offsets {
    size_t payload, message, message_size, id, id_size;
  };
  std::vector<Offsets> offsets_;
  std::vector<Payload> out_;
  uint64_t control_messages_ = 0;
  uint64_t user_records_ = 0;
};

}  // namespace k2c
