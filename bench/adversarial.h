// Worst-case payloads for the batch encoder: one record of up to 1 MiB (the
// Kinesis limit) per shape, built to make a parser do as much work per byte
// as it can (long exponents, long zero runs, deep nesting, huge strings,
// many keys). A shard's lag is bounded only if every shape costs time
// linear in its bytes with a small constant: bench/adversarial.cc measures
// bytes/s per shape, tests/kinesis/batch_adversarial_test.cc checks that
// each ends as a row with the right value or as a dead letter.
#pragma once

#include <string>
#include <vector>

#include "kinesis/batch.h"
#include "rowbinary/table_plan.h"

namespace k2c::bench {

struct AdversarialShape {
  std::string name;
  std::string type;     // ClickHouse type of the one column `v`
  std::string payload;  // the record's JSON, at most kMaxPayloadBytes
};

// prefix + item + (sep + item)... + suffix, as many items as fit in `budget`.
inline std::string repeated(std::string_view prefix, std::string_view item, std::string_view sep,
                            std::string_view suffix, size_t budget = kMaxPayloadBytes) {
  std::string out(prefix);
  const size_t room = budget - suffix.size();
  if (out.size() + item.size() <= room) out += item;
  while (out.size() + sep.size() + item.size() <= room) {
    out += sep;
    out += item;
  }
  out += suffix;
  return out;
}

// `head` + `fill` repeated to fill the record + `tail`, inside {"v": ... }.
inline std::string padded_value(std::string_view head, char fill, std::string_view tail) {
  const size_t frame = 6 + head.size() + tail.size();  // {"v":...}
  return "{\"v\":" + std::string(head) + std::string(kMaxPayloadBytes - frame, fill) +
         std::string(tail) + "}";
}

inline std::vector<AdversarialShape> adversarial_shapes() {
  const std::string zeros_e = repeated("{\"v\":[", "0e999999", ",", "]}");
  const std::string zeros_e_text = repeated("{\"v\":[", "\"0e999999\"", ",", "]}");
  const size_t depth = (kMaxPayloadBytes - 8) / 2;
  const std::string nested = std::string(depth, '[') + std::string(depth, ']');
  const std::string nested_after_v = std::string(depth - 3, '[') + std::string(depth - 3, ']');
  const std::string million_digits = "1" + std::string(1000000, '0');
  return {
      // A zero significand with a six-digit exponent, over and over: a
      // parser that steps over the implied zeros takes 10^6 steps for each.
      {"zero_e999999_int64", "Array(Int64)", zeros_e},
      {"zero_e999999_uint256", "Array(UInt256)", zeros_e},
      {"zero_e999999_decimal", "Array(Decimal(38, 5))", zeros_e},
      {"zero_e999999_datetime64", "Array(DateTime64(3))", zeros_e},
      {"zero_e999999_float64", "Array(Float64)", zeros_e},
      {"zero_e999999_text_int64", "Array(Int64)", zeros_e_text},
      // One number whose exponent, or zero run, fills the record.
      {"exponent_leading_zeros", "Int64", padded_value("1e+", '0', "5")},
      {"exponent_leading_zeros_negative", "Decimal(38, 5)", padded_value("1e-", '0', "5")},
      {"fraction_zeros_then_e-999999", "Decimal(38, 5)", padded_value("0.", '0', "1e-999999")},
      {"fraction_zeros_then_e-999999_float", "Float64", padded_value("0.", '0', "1e-999999")},
      {"fraction_zeros_then_e-999999_int", "Int64", padded_value("0.", '0', "1e-999999")},
      {"fraction_zeros", "Int64", padded_value("0.", '0', "")},
      {"zero_run_text", "UInt64", padded_value("\"", '0', "\"")},
      {"zero_run_text_e999999", "Decimal(76, 10)", padded_value("\"", '0', "e999999\"")},
      // A million-digit significand scaled back by a seven-digit exponent: 1.
      {"significand_1e1000000_e-1000000", "Int64", "{\"v\":" + million_digits + "e-1000000}"},
      {"significand_too_long", "Int128", padded_value("1", '0', "")},
      {"significand_too_long_float", "Float64", padded_value("1", '0', "")},
      // Nesting, strings and keys.
      {"deep_arrays_as_text", "String", "{\"v\":" + nested + "}"},
      {"deep_arrays_as_numbers", "Array(Int64)", "{\"v\":" + nested + "}"},
      {"deep_arrays_unknown_key", "Int64", "{\"v\":1,\"x\":" + nested_after_v + "}"},
      {"huge_string", "String", padded_value("\"", 'x', "\"")},
      {"huge_escaped_string", "String", repeated("{\"v\":\"", "\\u00e9", "", "\"}")},
      {"repeated_key", "Int64", repeated("{", "\"v\":1", ",", "}")},
      {"many_unknown_keys", "Int64", repeated("{", "\"k\":[]", ",", ",\"v\":1}")},
      {"map_many_keys", "Map(String, UInt8)", repeated("{\"v\":{", "\"k\":1", ",", "}}")},
      {"unclosed_arrays", "String", padded_value("", '[', "")},
  };
}

// Registers one Google Benchmark per shape, "adversarial/<name>"
// (bench/adversarial.cc; the bench binary only).
void register_adversarial_benchmarks();

}  // namespace k2c::bench
