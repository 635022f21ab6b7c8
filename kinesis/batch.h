// The batch encoder: the pure core of the function.
//
// BatchEncoder turns the records of one target table (views from the
// envelope) and a TablePlan into one RowBinary body plus, per record, either
// a row in that body or a dead letter with its reason and raw bytes. It
// never touches the network. Buffers (decoded payload, per-column scratch,
// the body) are reused across records and batches, so the steady state does
// not allocate per record; only dead letters copy bytes.
//
// Same input, same bytes: the body depends only on the records and the plan.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kinesis/kinesis.h"
#include "rowbinary/table_plan.h"

namespace k2c {

// The Kinesis record size limit; larger payloads are dead-lettered.
constexpr size_t kMaxPayloadBytes = 1 << 20;

struct DeadLetter {
  uint32_t record;      // index into the batch's records
  const char* code;     // error_kind token: invalid_base64, invalid_json, not_an_object, ...
  std::string message;  // names the column and value where there is one
  std::string raw;      // decoded payload, or the base64 text when decoding failed
};

struct EncodedBatch {
  std::string body;                 // RowBinary rows, in record order
  std::vector<uint32_t> included;   // plan column indexes sent, in table order
  std::vector<uint32_t> rows;       // record indexes that became rows
  std::vector<DeadLetter> dead_letters;
  bool with_defaults = false;       // body is RowBinaryWithDefaults
  // Set (with nothing else) when the encoder broke its own invariant: the
  // batch is not written, and reported for retry.
  std::optional<Error> internal_error;

  const char* format() const { return with_defaults ? "RowBinaryWithDefaults" : "RowBinary"; }
  void clear() {
    body.clear();
    included.clear();
    rows.clear();
    dead_letters.clear();
    internal_error.reset();
  }
};

class BatchEncoder {
 public:
  BatchEncoder();

  // Encodes records[i] for every i in `which` (indexes in batch order).
  // with_defaults: the server takes RowBinaryWithDefaults (ClickHouse 23+):
  // every column is sent and a missing value asks for the column's DEFAULT.
  // Otherwise a DEFAULT column that no record provides is left out of the
  // insert, so the server computes it.
  void encode(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
              const TablePlan& plan, bool with_defaults, EncodedBatch& out);

  // Off: every record takes the general lane (simdjson), the reference the
  // tests compare the fast lane with. On by default.
  void set_fast_lane(bool on) { fast_lane_ = on; }
  // Rows the fast lane wrote since construction (tests check it is taken).
  uint64_t fast_lane_rows() const { return fast_lane_rows_; }

 private:
  // The passes that settle which DEFAULT columns are sent; false after
  // fail_internal.
  bool settle_column_set(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                         const TablePlan& plan, EncodedBatch& out);
  static bool fail_internal(EncodedBatch& out, std::string message);
  void encode_pass(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                   const TablePlan& plan, EncodedBatch& out);
  // Returns true when the record became a row.
  bool encode_record(const KinesisRecord& record, uint32_t index, const TablePlan& plan,
                     EncodedBatch& out);
  // The fast lane: keys in column order, values written straight to the
  // body by a scan of the payload. False (no effect) sends the record to the
  // general lane.
  bool encode_in_order(const KinesisRecord& record, size_t len, const TablePlan& plan,
                       std::string& body);
  // The general path: values go to per-column slots, then the row is written
  // in column order; decides dead letters.
  bool encode_with_slots(const KinesisRecord& record, uint32_t index, size_t len,
                         const TablePlan& plan, EncodedBatch& out);
  int column_of(std::string_view key, size_t position, const TablePlan& plan);
  bool write_unprovided(const PlannedColumn& column, const KinesisRecord& record,
                        std::string& body) const;
  Status write_metadata(const PlannedColumn& column, const KinesisRecord& record,
                        std::string& out) const;

  simdjson::ondemand::parser parser_;
  std::string decoded_;                // payload bytes + SIMDJSON_PADDING, reused
  std::vector<std::string> slots_;     // per column: the encoded value of this record
  std::vector<uint8_t> provided_;      // per column: this record has a value
  std::vector<uint8_t> seen_;          // per column: some row of the batch has a value
  std::vector<uint8_t> include_;       // per column: sent in this pass
  std::vector<int> hints_;             // per key position: the column it had last time
  std::vector<uint32_t> seen_now_;     // columns this record provides, kept if it is a row
  std::string scratch_;                // fast lane: a value checked but not sent
  bool with_defaults_ = false;
  bool fast_lane_ = true;
  uint64_t fast_lane_rows_ = 0;
};

// RowBinary rows for the dead-letter table, columns in this order:
// failed_at DateTime, stream_arn, shard_id, sequence_number, partition_key,
// target_table, error_kind, error_message, raw_data (all String).
void encode_dead_letters(std::span<const KinesisRecord> records,
                         std::span<const DeadLetter> dead_letters, std::string_view target_table,
                         uint32_t failed_at, std::string& out);

inline constexpr const char* kDeadLetterColumns =
    "`failed_at`, `stream_arn`, `shard_id`, `sequence_number`, `partition_key`, `target_table`, "
    "`error_kind`, `error_message`, `raw_data`";

}  // namespace k2c
