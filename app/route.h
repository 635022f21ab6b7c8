// Where a Kinesis stream's records go: a ClickHouse table, and optionally
// the database that holds it.
//
// A Route that leaves the DynamoDB client or the cache has already been
// validated: `table` is a non-empty identifier and `database` is either empty
// (use CLICKHOUSE_DATABASE) or an identifier (see base/identifier.h).
#pragma once

#include <string>

namespace k2c {

struct Route {
  std::string database;  // empty: the item has none
  std::string table;

  friend bool operator==(const Route&, const Route&) = default;
};

}  // namespace k2c
