// Where a Kinesis stream's records go: a ClickHouse table, and optionally
// the database that holds it.
//
// A Route that leaves the DynamoDB client or the cache has already been
// validated: `table` is a non-empty identifier, `database` is either empty
// (use CLICKHOUSE_DATABASE) or an identifier (see base/identifier.h), and so
// is `table_field` (SPEC §3: empty = every record goes to `table`).
#pragma once

#include <string>

namespace k2c {

enum class PayloadFormat { json, text };

struct Route {
  std::string database;  // empty: the item has none
  std::string table;
  PayloadFormat format = PayloadFormat::json;
  // A top-level payload key whose string value names the record's table.
  std::string table_field;

  friend bool operator==(const Route&, const Route&) = default;
};

}  // namespace k2c
