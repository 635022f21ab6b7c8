// A strict, allocation-free JSON scanner for the batch encoder's fast lane.
//
// The batch encoder has two lanes for a payload: a fast lane that reads the
// JSON text directly with this scanner, and the general lane built on
// simdjson ondemand. The fast lane handles the common shape (strings without
// escapes, numbers, literals, flat objects, arrays of scalars) and gives up
// -- returns false, having produced nothing -- on anything else: an escape
// in a string it must read, invalid JSON, a value shape it does not handle.
// The general lane then does the whole payload again and alone decides
// errors and their messages. So the fast lane only has to be right when it
// accepts, and it accepts only what it has checked against the full JSON
// grammar (RFC 8259); tests compare both lanes on the same inputs byte for
// byte. Against a second simdjson document per payload, it saves stage 1
// and the iterator set-up, which cost more than this scan on payloads of a
// few hundred bytes.
//
// The scanner reads in 16- and 64-byte blocks up to `limit`, the end of the
// padding after the input, and never interprets a byte at or past `end`.
// (The envelope stays on simdjson: a scanner like this one, tried there, ran
// at less than half the speed of simdjson's stage 1 on its many short keys
// and values.)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace k2c::scan {

// Deeper nesting in a skipped value sends the input to the general lane.
inline constexpr int kMaxSkipDepth = 64;

struct Cursor {
  const char* p;
  const char* end;
  const char* limit;  // bytes up to here may be read (padding after the input)

  explicit Cursor(std::string_view s, size_t padding = 0)
      : p(s.data()), end(s.data() + s.size()), limit(s.data() + s.size() + padding) {}

  // The next byte, or '\0' at the end ('\0' is never valid JSON outside a
  // string, so callers treat it as "unexpected").
  char peek() const noexcept { return p < end ? *p : '\0'; }
  bool at_end() const noexcept { return p == end; }

  [[gnu::always_inline]] void skip_ws() noexcept {
    // Compact JSON has none: one test. Indented JSON has a run of spaces
    // after each newline: one 16-byte step skips it without a branch per byte.
    if (p < end && static_cast<unsigned char>(*p) > ' ') return;
#if defined(__SSE2__)
    while (limit - p >= 16) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i ws = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(block, _mm_set1_epi8('\n'))),
          _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(block, _mm_set1_epi8('\t'))));
      const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(ws)) & 0xFFFFu;
      if (other != 0) {
        p += __builtin_ctz(other);
        if (p > end) p = end;
        return;
      }
      p += 16;
      if (p >= end) {
        p = end;
        return;
      }
    }
#endif
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  }
  // Consumes `c` (after white space) when it is next.
  [[gnu::always_inline]] bool consume(char c) noexcept {
    skip_ws();
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
};

// The first byte at or after `q` that ends the plain part of a JSON string:
// '"', '\\' or a control character (< 0x20, not allowed unescaped). `end`
// when there is none before `end`. Bytes up to `limit` (>= end) may be read.
//
// One 16-byte step first, where most keys and short values end; then 64-byte
// steps that end in one branch each, so that a long value (a UUID, a
// timestamp) does not take a mispredicted exit every 16 bytes; then 16-byte
// steps and single bytes for what is left before `limit`.
[[gnu::always_inline]] inline const char* find_string_stop(const char* q, const char* end, const char* limit) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i max_control = _mm_set1_epi8(0x1F);
  auto stops = [&](const char* x) -> uint64_t {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x));
    const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(block, max_control), max_control);
    return static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)), control)));
  };
  const char* found = nullptr;
  // True when the step decided: `found` is the stop, or `end`.
  auto step = [&](uint64_t mask, size_t width) {
    if (mask != 0) {
      found = std::min(q + __builtin_ctzll(mask), end);
      return true;
    }
    q += width;
    if (q >= end) {
      found = end;
      return true;
    }
    return false;
  };
  if (limit - q >= 16 && step(stops(q), 16)) return found;
  while (limit - q >= 64)
    if (step(stops(q) | stops(q + 16) << 16 | stops(q + 32) << 32 | stops(q + 48) << 48, 64))
      return found;
  while (limit - q >= 16)
    if (step(stops(q), 16)) return found;
#endif
  for (; q < end; ++q) {
    const auto ch = static_cast<unsigned char>(*q);
    if (ch == '"' || ch == '\\' || ch < 0x20) return q;
  }
  return end;
}

// With the cursor just after an opening quote: a string without escapes, as
// a view of the input. False on an escape, a control character or no
// closing quote. UTF-8 validity is the caller's check (once per input).
[[gnu::always_inline]] inline bool plain_string(Cursor& c, std::string_view& out) noexcept {
  const char* stop = find_string_stop(c.p, c.end, c.limit);
  if (stop == c.end || *stop != '"') return false;
  out = std::string_view(c.p, static_cast<size_t>(stop - c.p));
  c.p = stop + 1;
  return true;
}

// A string read as a key or value: the opening quote, then plain_string.
[[gnu::always_inline]] inline bool quoted(Cursor& c, std::string_view& out) noexcept {
  if (!c.consume('"')) return false;
  return plain_string(c, out);
}

inline bool is_hex(char ch) noexcept {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

// With the cursor just after an opening quote: skips a string, escapes
// allowed when well-formed.
inline bool skip_string(Cursor& c) noexcept {
  const char* q = c.p;
  for (;;) {
    q = find_string_stop(q, c.end, c.limit);
    if (q == c.end) return false;
    if (*q == '"') {
      c.p = q + 1;
      return true;
    }
    if (*q != '\\' || c.end - q < 2) return false;  // a control character, or a cut escape
    switch (q[1]) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        q += 2;
        break;
      case 'u':
        if (c.end - q < 6 || !is_hex(q[2]) || !is_hex(q[3]) || !is_hex(q[4]) || !is_hex(q[5]))
          return false;
        q += 6;
        break;
      default:
        return false;
    }
  }
}

// A number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// `out` is its text. The caller checks what follows (a delimiter).
inline bool number(Cursor& c, std::string_view& out) noexcept {
  const char* q = c.p;
  const char* end = c.end;
  auto digit = [&](const char* x) { return x < end && *x >= '0' && *x <= '9'; };
  if (q < end && *q == '-') ++q;
  if (!digit(q)) return false;
  if (*q == '0') {
    ++q;
  } else {
    while (digit(q)) ++q;
  }
  if (q < end && *q == '.') {
    ++q;
    if (!digit(q)) return false;
    while (digit(q)) ++q;
  }
  if (q < end && (*q == 'e' || *q == 'E')) {
    ++q;
    if (q < end && (*q == '+' || *q == '-')) ++q;
    if (!digit(q)) return false;
    while (digit(q)) ++q;
  }
  out = std::string_view(c.p, static_cast<size_t>(q - c.p));
  c.p = q;
  return true;
}

// Consumes `word` ("true", "false", "null") when it is next.
inline bool literal(Cursor& c, std::string_view word) noexcept {
  if (static_cast<size_t>(c.end - c.p) < word.size() ||
      std::memcmp(c.p, word.data(), word.size()) != 0)
    return false;
  c.p += word.size();
  return true;
}

// Skips one value of any kind, checking it against the grammar. The cursor
// is at the value's first byte (white space already skipped).
inline bool skip_value(Cursor& c, int depth = 0) noexcept {
  switch (c.peek()) {
    case '"':
      ++c.p;
      return skip_string(c);
    case '{': {
      if (depth >= kMaxSkipDepth) return false;
      ++c.p;
      if (c.consume('}')) return true;
      for (;;) {
        if (!c.consume('"') || !skip_string(c) || !c.consume(':')) return false;
        c.skip_ws();
        if (!skip_value(c, depth + 1)) return false;
        if (c.consume(',')) continue;
        return c.consume('}');
      }
    }
    case '[': {
      if (depth >= kMaxSkipDepth) return false;
      ++c.p;
      if (c.consume(']')) return true;
      for (;;) {
        c.skip_ws();
        if (!skip_value(c, depth + 1)) return false;
        if (c.consume(',')) continue;
        return c.consume(']');
      }
    }
    case 't': return literal(c, "true");
    case 'f': return literal(c, "false");
    case 'n': return literal(c, "null");
    default: {
      std::string_view ignored;
      return number(c, ignored);
    }
  }
}

}  // namespace k2c::scan
