// ClickHouse data types, parsed from the text the server prints for a column
// (`system.columns.type`, `DESCRIBE TABLE`).
//
// parse_type() builds a TypeNode tree: leaves carry their parameters
// (Decimal precision and scale, FixedString size, DateTime64 precision,
// Enum names and values), wrappers carry children (Nullable, LowCardinality,
// Array, Map, Tuple, Variant). SimpleAggregateFunction(f, T) parses as T.
// JSON, JSON(...) and Object('json') parse as TypeId::Json (their parameters,
// path hints and SKIP clauses, change nothing we send); Dynamic and
// Dynamic(max_types=N) as TypeId::Dynamic. An unknown or malformed type is an
// ErrorKind::config error naming the type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace k2c {

enum class TypeId {
  Int8, Int16, Int32, Int64, Int128, Int256,
  UInt8, UInt16, UInt32, UInt64, UInt128, UInt256,
  Float32, Float64,
  Decimal32, Decimal64, Decimal128, Decimal256,
  Bool, String, FixedString,
  Date, Date32, DateTime, DateTime64,
  UUID, IPv4, IPv6,
  Enum8, Enum16,
  Array, Map, Tuple, Nullable, LowCardinality,
  Json, Variant, Dynamic,
};

struct TypeNode {
  TypeId id = TypeId::String;
  std::string text;                  // as written, for messages
  std::vector<TypeNode> children;    // Array: 1, Map: 2, Tuple/Variant: n, Nullable/LowCardinality: 1
  std::vector<std::string> names;    // Tuple element names; empty when unnamed
  int precision = 0;                 // Decimal P; DateTime64 precision
  int scale = 0;                     // Decimal S
  size_t size = 0;                   // FixedString N
  std::string timezone;              // DateTime, DateTime64 (informational: values are UTC)
  std::vector<std::pair<std::string, int16_t>> enum_values;  // Enum8/16
  bool legacy_object = false;        // Json: written Object('json') (22.3-24.x)
};

// True when `type` is, or contains, a JSON(...) column type (not
// Object('json')): its values are sent as text, which the server reads only
// with input_format_binary_read_json_as_string=1.
bool contains_json(const TypeNode& type);

Result<TypeNode> parse_type(std::string_view text);

}  // namespace k2c
