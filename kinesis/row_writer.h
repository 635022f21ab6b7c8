// The row writer both lanes of BatchEncoder share (kinesis/batch.h): a
// column of a row that has no payload value, that is a virtual column's
// value (the record's metadata, SPEC §4.1) or the missing-value encoding.
// Inline: the fast lane calls it for every column a payload does not name.
#pragma once

#include <charconv>
#include <string>

#include "kinesis/kinesis.h"
#include "kinesis/payloads.h"
#include "rowbinary/framing.h"
#include "rowbinary/table_plan.h"

namespace k2c {

// A virtual column's value for this payload. `number` is scratch for the
// text of a number (reused: no allocation in the steady state).
[[gnu::always_inline]] inline Status write_virtual(const PlannedColumn& column, const KinesisRecord& record,
                            const Payload& payload, std::string& out, std::string& number) {
  const Encoder& e = *column.encoder;
  auto as_number = [&](uint64_t whole, int millis) {
    char buf[32];
    char* end = std::to_chars(buf, buf + 24, whole).ptr;
    if (millis >= 0) {
      *end++ = '.';
      *end++ = static_cast<char>('0' + millis / 100);
      *end++ = static_cast<char>('0' + millis / 10 % 10);
      *end++ = static_cast<char>('0' + millis % 10);
    }
    number.assign(buf, end);
    return e.from_number(number, out);
  };
  const LogFields* log = payload.log;
  switch (column.source) {
    case ColumnSource::stream_arn: return e.from_string(record.event_source_arn, out);
    case ColumnSource::shard_id: return e.from_string(record.shard_id, out);
    case ColumnSource::sequence_number: return e.from_string(record.sequence_number, out);
    case ColumnSource::partition_key: return e.from_string(payload.partition_key, out);
    case ColumnSource::arrival_time:
      if (record.arrival_timestamp.empty()) return e.from_null(out);
      return e.from_number(record.arrival_timestamp, out);
    case ColumnSource::sub_sequence_number: return as_number(payload.sub_sequence, -1);
    case ColumnSource::raw: return e.from_string(payload.bytes, out);
    case ColumnSource::log_group: return log ? e.from_string(log->log_group, out) : e.from_null(out);
    case ColumnSource::log_stream: return log ? e.from_string(log->log_stream, out) : e.from_null(out);
    case ColumnSource::log_owner: return log ? e.from_string(log->owner, out) : e.from_null(out);
    case ColumnSource::log_event_id:
      return log ? e.from_string(payload.log_event_id, out) : e.from_null(out);
    case ColumnSource::log_timestamp: {
      if (!log) return e.from_null(out);
      const int64_t ms = payload.log_timestamp_ms;
      if (ms < 0) return e.from_null(out);  // before 1970: not a log event CloudWatch writes
      return as_number(static_cast<uint64_t>(ms / 1000), static_cast<int>(ms % 1000));
    }
    case ColumnSource::message: return log ? e.from_string(payload.bytes, out) : e.from_null(out);
    case ColumnSource::payload: break;
  }
  return ok_status();
}


// Writes a column of a row that has no payload value for it: a virtual
// column's value, or the missing-value encoding. False when a virtual
// column's value is rejected by its type.
[[gnu::always_inline]] inline bool write_unprovided(const PlannedColumn& col, const KinesisRecord& record,
                                                   const Payload& payload, bool with_defaults,
                                                   std::string& body, std::string& number) {
  if (col.source != ColumnSource::payload) {
    rowbinary::value_follows(body, with_defaults);
    return write_virtual(col, record, payload, body, number).ok();
  }
  rowbinary::missing_value(*col.encoder, col.nullable, body, with_defaults);
  return true;
}

}  // namespace k2c
