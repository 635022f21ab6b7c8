// Test helpers: encode one JSON value with one ClickHouse type.
#pragma once

#include <simdjson.h>

#include <string>

#include "schema/encoder.h"

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
  if (!st.ok()) return {false, "", st.error().message, st.error().code, out.size() - 1};
  return {true, to_hex(std::string_view(out).substr(1)), "", "", 0};
}

}  // namespace k2c::testing
