// Small text helpers shared by the layers above.
#pragma once

#include <string_view>

namespace k2c {

// JSON's white space (RFC 8259 §2).
constexpr bool is_json_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// `s` without the JSON white space at its end (a raw token from simdjson
// keeps what follows it up to the next structural character).
inline std::string_view trim_trailing_ws(std::string_view s) {
  while (!s.empty() && is_json_ws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace k2c
