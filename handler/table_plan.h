// A compiled column plan for one target table, built once per schema
// version (not per record) from the table's live description.
//
// Insertable columns only (MATERIALIZED and ALIAS are never sent), in table
// order, each with its encoder, where its value comes from (a payload key or
// a Kinesis metadata field), and whether the server has a DEFAULT
// expression for it. Payload keys are matched through one hash lookup.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/error.h"
#include "schema/encoder.h"

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
};

struct PlannedColumn {
  std::string name;
  std::string quoted_name;  // backticked, for the INSERT column list
  std::unique_ptr<Encoder> encoder;
  ColumnSource source = ColumnSource::payload;
  bool has_default_expression = false;  // DEFAULT expr the server can compute
  bool nullable = false;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class TablePlan {
 public:
  // Fails (ErrorKind::config... reported per batch as permanent) when a column
  // type is unknown: the message names the column and the type.
  static Result<TablePlan> build(const std::vector<ColumnInfo>& columns);

  const std::vector<PlannedColumn>& columns() const { return columns_; }
  // Index of the payload column named `key`, or -1.
  int find_payload_column(std::string_view key) const {
    auto it = by_name_.find(key);
    return it == by_name_.end() ? -1 : it->second;
  }

 private:
  std::vector<PlannedColumn> columns_;
  std::unordered_map<std::string, int, StringHash, std::equal_to<>> by_name_;
};

}  // namespace k2c
