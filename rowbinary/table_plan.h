// A compiled column plan for one target table, built once per schema
// version (not per record) from the table's live description.
//
// Insertable columns only (MATERIALIZED and ALIAS are never sent), in table
// order, each with its encoder, where its value comes from (a payload key or
// a Kinesis metadata field), and whether the server has a DEFAULT
// expression for it. Payload keys are matched through one lookup in a small
// open-addressing table (no std::string, no std::hash per key).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/error.h"
#include "rowbinary/encoder.h"

namespace k2c {

// One row of DESCRIBE TABLE.
struct ColumnInfo {
  std::string name;
  std::string type;
  std::string default_kind;  // "", "DEFAULT", "MATERIALIZED", "ALIAS", "EPHEMERAL"
  std::string default_expression;
};

enum class ColumnSource {
  payload,
  stream_arn,       // _stream_arn
  shard_id,         // _shard_id
  sequence_number,  // _sequence_number
  partition_key,    // _partition_key
  arrival_time,     // _approximate_arrival_timestamp
  sub_sequence_number,  // _sub_sequence_number: index inside a KPL aggregate, else 0
  raw,              // _raw: the payload after de-aggregation and decompression
  log_group,        // _log_group, _log_stream, _log_owner, _log_event_id,
  log_stream,       // _log_timestamp, _message: a CloudWatch Logs event's fields
  log_owner,
  log_event_id,
  log_timestamp,
  message,
};

struct PlannedColumn {
  std::string name;
  std::string quoted_name;  // backticked, for the INSERT column list
  std::unique_ptr<Encoder> encoder;
  ColumnSource source = ColumnSource::payload;
  bool has_default_expression = false;  // DEFAULT expr the server can compute
  bool nullable = false;
};

class TablePlan {
 public:
  // Fails (ErrorKind::config... reported per batch as permanent) when a column
  // type is unknown: the message names the column and the type.
  static Result<TablePlan> build(const std::vector<ColumnInfo>& columns);

  const std::vector<PlannedColumn>& columns() const { return columns_; }
  // True when column `c` is the payload column that find_payload_column(key)
  // finds; false for any `c` past the last column (a caller's hint may come
  // from another plan). `key` must have 16 readable bytes from its start (it
  // lies in a padded payload buffer): names of up to 16 bytes are compared
  // in one vector step, without a call to memcmp.
  [[gnu::always_inline]] bool is_payload_column(size_t c, std::string_view key) const {
    if (c >= name_blocks_.size()) return false;
    const NameBlock& b = name_blocks_[c];
    if (b.size != key.size()) return false;
    if (key.size() > sizeof b.bytes) return columns_[c].name == key;
#if defined(__SSE2__)
    const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key.data()));
    const __m128i n = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b.bytes));
    const unsigned equal = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(k, n)));
    const unsigned needed = (1u << key.size()) - 1u;
    return (equal & needed) == needed;
#else
    return std::memcmp(b.bytes, key.data(), key.size()) == 0;
#endif
  }

  // Index of the payload column named `key`, or -1.
  int find_payload_column(std::string_view key) const {
    for (size_t i = key_hash(key) & mask_;; i = (i + 1) & mask_) {
      const int c = by_name_[i];
      if (c < 0 || columns_[static_cast<size_t>(c)].name == key) return c;
    }
  }

 private:
  static size_t key_hash(std::string_view key) noexcept {
    // The first and last 8 bytes and the length: enough to tell column names
    // apart, cheap for the short keys of JSON payloads.
    uint64_t a = 0, b = 0;
    if (key.size() >= 8) {
      std::memcpy(&a, key.data(), 8);
      std::memcpy(&b, key.data() + key.size() - 8, 8);
    } else if (!key.empty()) {
      std::memcpy(&a, key.data(), key.size());
    }
    uint64_t x = (a ^ (b * 0x9E3779B97F4A7C15ull) ^ key.size()) * 0xff51afd7ed558ccdull;
    return static_cast<size_t>(x ^ (x >> 32));
  }

  struct NameBlock {
    char bytes[16] = {};
    // The name's length; kNever for metadata columns and for a repeated
    // name (find_payload_column never answers those).
    uint32_t size = kNever;
    static constexpr uint32_t kNever = UINT32_MAX;
  };

  std::vector<PlannedColumn> columns_;
  std::vector<NameBlock> name_blocks_;  // per column
  std::vector<int> by_name_;  // open addressing, linear probing; -1 = empty
  size_t mask_ = 0;
};

}  // namespace k2c
