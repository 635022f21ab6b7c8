// The batch encoder: the pure core of the function.
//
// BatchEncoder turns the records of one target table (views from the
// envelope) and a TablePlan into one RowBinary body plus, per payload, either
// a row in that body or a dead letter with its reason and raw bytes. A
// record is one payload, or several (the user records of a KPL aggregate,
// the events of a CloudWatch Logs message), or none (a control message):
// kinesis/payloads.h. It never touches the network. Buffers (decoded
// payload, per-column scratch, the body) are reused across records and
// batches, so the steady state does not allocate per record; only dead
// letters copy bytes.
//
// Each payload takes one of two lanes, which give the same bytes: the fast
// lane (fast_lane.cc) scans plain JSON and writes values straight to the
// body; the general lane (general_lane.cc) walks it with simdjson and alone
// decides dead letters. Both write a row through the same row writer
// (kinesis/row_writer.h) and rowbinary/framing.h.
//
// Same input, same bytes: the body depends only on the records and the plan.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kinesis/kinesis.h"
#include "kinesis/payloads.h"
#include "rowbinary/table_plan.h"

namespace k2c {

// The Kinesis record size limit; larger payloads are dead-lettered.
constexpr size_t kMaxPayloadBytes = 1 << 20;

struct DeadLetter {
  uint32_t record;      // index into the batch's records
  ErrorCode code;       // the dead-letter table's error_kind (bad_record codes)
  std::string message;  // names the column and value where there is one
  std::string raw;      // the payload as the failing step saw it (SPEC §4.1)
  uint64_t sub_sequence = 0;  // the user record's index inside a KPL aggregate
  // The user record's own partition key inside an aggregate; empty: the record's.
  std::string partition_key;
};

struct EncodedBatch {
  std::string body;                 // RowBinary rows, in record order
  std::vector<uint32_t> included;   // plan column indexes sent, in table order
  std::vector<uint32_t> rows;       // per row: the index of its record
  std::vector<uint64_t> sub_sequences;  // per row: its sub-sequence number (0 unless aggregated)
  std::vector<DeadLetter> dead_letters;
  uint64_t control_messages = 0;    // CloudWatch Logs control messages skipped
  bool with_defaults = false;       // body is RowBinaryWithDefaults
  // Set (with nothing else) when the encoder broke its own invariant: the
  // batch is not written, and reported for retry.
  std::optional<Error> internal_error;

  const char* format() const { return with_defaults ? "RowBinaryWithDefaults" : "RowBinary"; }
  void clear() {
    body.clear();
    included.clear();
    rows.clear();
    sub_sequences.clear();
    dead_letters.clear();
    control_messages = 0;
    internal_error.reset();
  }
};

// How a route reads its records (SPEC §3): the format, and, with
// table_field, which of the route's tables this encode() is for.
struct EncodeOptions {
  bool text = false;  // route format "text": no payload is parsed as JSON
  // Non-empty: only payloads whose top-level `table_field` string names
  // `table` (or, when it names no valid table, those of `default_table`).
  std::string_view table_field;
  std::string_view table;
  std::string_view default_table;
  // Every record is one JSON payload, without §4.1 steps 1-3: only for
  // ./dev bench, to show what the payload stage costs plain JSON in one run.
  bool skip_payload_stage = false;
};

class BatchEncoder {
 public:
  BatchEncoder();

  // Encodes records[i] for every i in `which` (indexes in batch order).
  // with_defaults: the server takes RowBinaryWithDefaults (ClickHouse 23+):
  // every column is sent and a missing value asks for the column's DEFAULT.
  // Otherwise a DEFAULT column that no row provides is left out of the
  // insert, so the server computes it.
  void encode(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
              const TablePlan& plan, bool with_defaults, EncodedBatch& out,
              const EncodeOptions& options = {});

  // The tables a route with `options.table_field` sends these records to,
  // in order of first appearance (options.table is ignored).
  std::vector<std::string> tables_of(std::span<const KinesisRecord> records,
                                     std::span<const uint32_t> which, const EncodeOptions& options);

  // Off: every record takes the general lane (simdjson), the reference the
  // tests compare the fast lane with. On by default.
  void set_fast_lane(bool on) { fast_lane_ = on; }
  // Rows the fast lane wrote since construction (tests check it is taken).
  uint64_t fast_lane_rows() const { return fast_lane_rows_; }
  // KPL user records seen since construction.
  uint64_t user_records() const { return splitter_.user_records(); }

 private:
  // The passes that settle which DEFAULT columns are sent; false after
  // fail_internal.
  bool settle_column_set(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                         const TablePlan& plan, EncodedBatch& out);
  static bool fail_internal(EncodedBatch& out, std::string message);
  void encode_pass(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                   const TablePlan& plan, EncodedBatch& out);
  // The payloads of one record, or the dead letter of its undecodable data.
  const std::vector<Payload>* payloads_of(const KinesisRecord& record, uint32_t index,
                                          EncodedBatch& out);
  // Returns true when the payload became a row.
  bool encode_payload(const KinesisRecord& record, const Payload& payload, uint32_t index,
                      const TablePlan& plan, EncodedBatch& out);
  // A row of virtual columns only (text payloads).
  bool encode_text_row(const KinesisRecord& record, const Payload& payload, uint32_t index,
                       const TablePlan& plan, EncodedBatch& out);
  // The table a payload goes to under options_.table_field.
  std::string_view table_of(const Payload& payload);

  // fast_lane.cc: keys in column order, values written straight to the
  // body by a scan of the payload. False (no effect) sends the payload to
  // the general lane.
  bool encode_in_order(const KinesisRecord& record, const Payload& payload, const TablePlan& plan,
                       std::string& body);
  // general_lane.cc: values go to per-column slots, then the row is written
  // in column order; decides dead letters.
  bool encode_with_slots(const KinesisRecord& record, const Payload& payload, uint32_t index,
                         const TablePlan& plan, EncodedBatch& out);
  int column_of(std::string_view key, size_t position, const TablePlan& plan);

  DeadLetter dead(uint32_t index, const Payload& payload, ErrorCode code,
                  std::string message) const;

  simdjson::ondemand::parser parser_;
  std::string decoded_;                // record data + SIMDJSON_PADDING, reused
  PayloadSplitter splitter_;
  std::vector<Payload> whole_;         // the record as its one payload (skip_payload_stage)
  EncodeOptions options_;
  std::vector<std::string> slots_;     // per column: the encoded value of this record
  std::vector<uint8_t> provided_;      // per column: this record has a value
  std::vector<uint8_t> seen_;          // per column: some row of the batch has a value
  std::vector<uint8_t> include_;       // per column: sent in this pass
  std::vector<int> hints_;             // per key position: the column it had last time
  std::vector<uint32_t> seen_now_;     // columns this record provides, kept if it is a row
  std::string scratch_;                // fast lane: a value checked but not sent
  std::string number_;                 // a virtual column's number as text
  std::string table_name_;             // table_of(): the name a payload gave, copied
  bool with_defaults_ = false;
  bool fast_lane_ = true;
  uint64_t fast_lane_rows_ = 0;
};

// RowBinary rows for the dead-letter table, columns in this order:
// failed_at DateTime, stream_arn, shard_id, sequence_number, partition_key,
// target_table, error_kind, error_message, raw_data (all String), then
// sub_sequence_number UInt64 when `with_sub_sequence` (the table has it).
void encode_dead_letters(std::span<const KinesisRecord> records,
                         std::span<const DeadLetter> dead_letters, std::string_view target_table,
                         uint32_t failed_at, bool with_sub_sequence, std::string& out);

inline constexpr const char* kDeadLetterColumns =
    "`failed_at`, `stream_arn`, `shard_id`, `sequence_number`, `partition_key`, `target_table`, "
    "`error_kind`, `error_message`, `raw_data`";
inline constexpr const char* kDeadLetterSubSequenceColumn = ", `sub_sequence_number`";

}  // namespace k2c
