// libFuzzer target for the schema encoders: every input is a candidate
// payload; every top-level field is encoded by an encoder of each type of a
// wide schema. Crashes and sanitizer reports are the findings; an encoder
// that rejects a value but leaves bytes behind aborts. (The deterministic,
// bounded version that runs with the unit tests is tests/rowbinary/fuzz_test.cc;
// the whole record path is fuzzed by tools/fuzz_record.cc in ./dev test.)
//
// Build and run (clang with libFuzzer; from the repository root):
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
//     tools/fuzz_encoder.cc rowbinary/*.cc base/*.cc -lsimdjson -o /tmp/fuzz_encoder
//   mkdir -p /tmp/fuzz-corpus && /tmp/fuzz_encoder -max_total_time=60 /tmp/fuzz-corpus
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "rowbinary/encoder.h"

namespace {

const char* const kSchema[] = {
    "Int8",
    "Int64",
    "Int128",
    "UInt256",
    "Float32",
    "Float64",
    "Decimal(9, 2)",
    "Decimal(76, 30)",
    "Bool",
    "String",
    "FixedString(4)",
    "Date",
    "Date32",
    "DateTime",
    "DateTime64(3)",
    "DateTime64(9, 'UTC')",
    "UUID",
    "IPv4",
    "IPv6",
    "Enum8('a' = 1, 'b' = -2)",
    "Array(Nullable(String))",
    "Map(String, UInt64)",
    "Map(Bool, DateTime)",
    "Tuple(a UInt16, b Nullable(Int8), c Array(Tuple(d Date, e Float64)))",
    "Tuple(Int8, String)",
    "LowCardinality(Nullable(String))",
};

std::vector<std::unique_ptr<k2c::Encoder>> make_all() {
  std::vector<std::unique_ptr<k2c::Encoder>> out;
  for (const char* t : kSchema) out.push_back(k2c::make_encoder(*k2c::parse_type(t)));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto encoders = make_all();
  static simdjson::ondemand::parser parser;
  simdjson::padded_string json(reinterpret_cast<const char*>(data), size);
  std::string out;
  for (const auto& encoder : encoders) {
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    if (parser.iterate(json).get(doc) || doc.get_object().get(object)) return 0;
    for (auto field : object) {
      simdjson::ondemand::value value;
      if (field.value().get(value)) break;
      const std::string before = out;
      auto st = encoder->encode(value, out);
      if (!st.ok()) {
        if (out != before || st.error().code == k2c::ErrorCode::none) std::abort();
        if (st.error().code == k2c::ErrorCode::invalid_json) break;
      }
    }
    out.clear();
  }
  return 0;
}
