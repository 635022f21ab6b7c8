// Test helpers: encode one JSON value with one ClickHouse type.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <ostream>
#include <string>

#include "rowbinary/encoder.h"

namespace k2c::testing {

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

struct EncodeResult {
  bool ok = false;
  std::string hex;    // bytes written on success
  std::string error;  // message on rejection
  std::string code;   // error code on rejection
  size_t written_on_error = 0;
};

// Encodes `json` (one JSON value) with the type `type_text`. The buffer
// starts with a sentinel byte so that a rejected value can be seen to leave
// it unchanged.
inline EncodeResult encode_json(const std::string& type_text, const std::string& json) {
  auto type = parse_type(type_text);
  if (!type.ok()) return {false, "", type.error().message, "type", 0};
  auto encoder = make_encoder(*type);
  simdjson::ondemand::parser parser;
  simdjson::padded_string doc("{\"v\":" + json + "}");
  std::string out = "S";
  simdjson::ondemand::document d;
  if (parser.iterate(doc).get(d)) return {false, "", "iterate failed", "invalid_json", 0};
  simdjson::ondemand::value v;
  if (d["v"].get(v)) return {false, "", "no value", "invalid_json", 0};
  auto st = encoder->encode(v, out);
  if (!st.ok()) return {false, "", st.error().message, to_string(st.error().code), out.size() - 1};
  return {true, to_hex(std::string_view(out).substr(1)), "", "", 0};
}

// One row of an encoding table: the JSON value, the column type, and the
// expected RowBinary as hex, or nullptr when the value must be rejected.
struct Case {
  const char* type;
  const char* json;
  const char* hex;
};

inline void PrintTo(const Case& c, std::ostream* os) { *os << c.type << " <- " << c.json; }

// Checks one row: exact bytes on success; on rejection a non-empty error
// code and an untouched buffer.
inline void expect_case(const Case& c) {
  auto r = encode_json(c.type, c.json);
  if (c.hex == nullptr) {
    EXPECT_FALSE(r.ok) << c.type << " <- " << c.json << " gave " << r.hex;
    EXPECT_EQ(r.written_on_error, 0u) << "a rejected value must leave the buffer unchanged";
    EXPECT_FALSE(r.code.empty()) << r.error;
  } else {
    ASSERT_TRUE(r.ok) << c.type << " <- " << c.json << ": " << r.error;
    EXPECT_EQ(r.hex, c.hex) << c.type << " <- " << c.json;
  }
}

}  // namespace k2c::testing
