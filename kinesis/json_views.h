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

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace k2c {

// The first '"' or '\\' at or after `p`. Stage 1 validated the quotes, so a
// closing quote follows inside the document, and simdjson's input buffers
// have SIMDJSON_PADDING readable bytes after it: reading 16-byte blocks that
// start before that quote stays inside the buffer. One pass, no call (the
// two memchr calls it replaces were 15% of the envelope decode under perf).
inline const char* find_quote_or_backslash(const char* p) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (;; p += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask = _mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
#else
  while (*p != '"' && *p != '\\') ++p;
  return p;
#endif
}

// The key of an object field, unescaped.
inline simdjson::error_code field_key(simdjson::ondemand::field& field, std::string_view& key) {
  const char* start = reinterpret_cast<const char*>(field.key().raw());
  const char* p = find_quote_or_backslash(start);
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
    const char* end = find_quote_or_backslash(body);
    if (*end == '"') {
      simdjson::ondemand::raw_json_string consumed;
      if (auto e = value.get_raw_json_string().get(consumed)) return e;
      out = std::string_view(body, static_cast<size_t>(end - body));
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
