// The Kinesis event envelope that Lambda delivers to a function.
//
// EnvelopeDecoder walks the event once with simdjson ondemand and keeps, per
// record, views of the fields we use. The views point into the event or the
// decoder's own buffers: they live until the next decode() call, and no
// longer than the event. A body that is not a
// Kinesis event (no "Records" array, a record without kinesis.data,
// kinesis.sequenceNumber or eventSourceARN) is ErrorKind::invalid_event.
#pragma once

#include <simdjson.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace k2c {

struct KinesisRecord {
  std::string_view data_base64;
  std::string_view event_source_arn;
  std::string_view event_id;
  std::string_view shard_id;         // eventID up to ':' (all of it when there is none)
  std::string_view sequence_number;
  std::string_view partition_key;
  std::string_view arrival_timestamp;  // JSON number text (Unix seconds), "" when absent
};

// True when a fully consumed document has no bytes but white space left.
bool at_document_end(simdjson::ondemand::document& doc);

class EnvelopeDecoder {
 public:
  // `capacity`: bytes readable from event.data(), at least event.size()
  // (std::string::capacity() of the buffer holding the event). When it
  // leaves SIMDJSON_PADDING spare bytes the event is parsed where it is and
  // the views point into it; otherwise it is copied first.
  Result<std::span<const KinesisRecord>> decode(std::string_view event, size_t capacity = 0);

 private:
  simdjson::ondemand::parser parser_;
  std::string padded_;  // the event with SIMDJSON_PADDING spare bytes, reused
  std::vector<KinesisRecord> records_;
};

}  // namespace k2c
