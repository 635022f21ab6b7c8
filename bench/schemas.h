// Table descriptions for the benchmarks, exactly as DESCRIBE TABLE prints
// them (name, type, default_kind, default_expression), so the bench builds
// its TablePlan the way the function does from a live server.
#pragma once

#include <vector>

#include "rowbinary/table_plan.h"

namespace k2c::bench {

// schema/examples/orders.sql, the e-commerce sample.
inline std::vector<ColumnInfo> orders_columns() {
  return {
      {"order_id", "UUID", "", ""},
      {"event_time", "DateTime", "", ""},
      {"customer_id", "UInt64", "", ""},
      {"sku", "String", "", ""},
      {"quantity", "UInt16", "", ""},
      {"price", "Decimal(12, 2)", "", ""},
      {"currency", "FixedString(3)", "", ""},
      {"status", "Enum8('created' = 1, 'paid' = 2, 'shipped' = 3, 'cancelled' = 4)", "", ""},
      {"tags", "Array(String)", "", ""},
      {"coupon", "Nullable(String)", "", ""},
      {"discount", "Float64", "DEFAULT", "0.05"},
      {"_stream_arn", "String", "", ""},
      {"_shard_id", "String", "", ""},
      {"_sequence_number", "String", "", ""},
      {"_partition_key", "String", "", ""},
      {"_approximate_arrival_timestamp", "DateTime", "", ""},
      {"order_day", "Date", "MATERIALIZED", "toDate(event_time)"},
  };
}

}  // namespace k2c::bench
