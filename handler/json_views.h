// Zero-copy views of JSON keys and strings for the hot path.
//
// simdjson's unescaped_key() and get_string() copy every string into the
// parser's string buffer to unescape it. A key or string without a backslash
// is its own unescaped text, so these helpers return a view of the input
// bytes between the quotes instead, and fall back to the copying calls only
// when there is an escape. The answers are the same either way; the views
// live as long as the (padded) input buffer.
#pragma once

#include <simdjson.h>

#include <cstring>
#include <string_view>

namespace k2c {

// The key of an object field, unescaped.
inline simdjson::error_code field_key(simdjson::ondemand::field& field, std::string_view& key) {
  const char* start = reinterpret_cast<const char*>(field.key().raw());
  const char* p = start;
  // Stage 1 validated the quotes, so a closing quote follows in the buffer.
  while (*p != '"' && *p != '\\') ++p;
  if (*p == '"') {
    key = std::string_view(start, static_cast<size_t>(p - start));
    return simdjson::SUCCESS;
  }
  return field.unescaped_key().get(key);
}

// The value as a string (INCORRECT_TYPE when it is not one), unescaped.
inline simdjson::error_code string_value(simdjson::ondemand::value& value, std::string_view& out) {
  const std::string_view token = value.raw_json_token();
  if (token.size() >= 2 && token[0] == '"') {
    const char* body = token.data() + 1;
    const auto* quote = static_cast<const char*>(std::memchr(body, '"', token.size() - 1));
    if (quote != nullptr &&
        std::memchr(body, '\\', static_cast<size_t>(quote - body)) == nullptr) {
      simdjson::ondemand::raw_json_string consumed;
      if (auto e = value.get_raw_json_string().get(consumed)) return e;
      out = std::string_view(body, static_cast<size_t>(quote - body));
      return simdjson::SUCCESS;
    }
  }
  return value.get_string().get(out);
}

// The same for the results of iterating an object.
inline simdjson::error_code field_key(simdjson::simdjson_result<simdjson::ondemand::field>& field,
                                      std::string_view& key) {
  if (auto e = field.error()) return e;
  return field_key(field.value_unsafe(), key);
}
inline simdjson::error_code string_value(simdjson::simdjson_result<simdjson::ondemand::value> value,
                                         std::string_view& out) {
  if (auto e = value.error()) return e;
  return string_value(value.value_unsafe(), out);
}

}  // namespace k2c
