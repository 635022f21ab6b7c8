#include "rowbinary/numeric_text.h"

namespace k2c {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// magnitude = magnitude * 10 + digit; false on 256-bit overflow.
bool mul10_add(Wide& w, unsigned digit) {
  unsigned __int128 carry = digit;
  for (auto& limb : w) {
    unsigned __int128 v = static_cast<unsigned __int128>(limb) * 10 + carry;
    limb = static_cast<uint64_t>(v);
    carry = v >> 64;
  }
  return carry == 0;
}

bool is_zero(const Wide& w) { return (w[0] | w[1] | w[2] | w[3]) == 0; }

// Compares w with 2^bit.
int compare_pow2(const Wide& w, int bit) {
  Wide p{};
  p[static_cast<size_t>(bit / 64)] = uint64_t{1} << (bit % 64);
  for (int i = 3; i >= 0; --i) {
    if (w[static_cast<size_t>(i)] != p[static_cast<size_t>(i)])
      return w[static_cast<size_t>(i)] < p[static_cast<size_t>(i)] ? -1 : 1;
  }
  return 0;
}

}  // namespace

bool parse_number_text(std::string_view s, NumberText& out) noexcept {
  size_t i = 0;
  out = NumberText{};
  if (i < s.size() && s[i] == '-') {
    out.negative = true;
    ++i;
  }
  size_t start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  out.int_digits = s.substr(start, i - start);
  if (i < s.size() && s[i] == '.') {
    ++i;
    start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    out.frac_digits = s.substr(start, i - start);
    if (out.frac_digits.empty()) return false;
  }
  if (out.int_digits.empty() && out.frac_digits.empty()) return false;
  if (out.int_digits.empty()) return false;  // ".5" is not a number in JSON or ClickHouse text
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    start = i;
    // Exact up to 9 digits, then saturated: past any digit count a record
    // can hold (1 MiB), a larger exponent decides nothing more (overflow, or
    // all digits fractional), and `point` below stays far from overflow.
    constexpr int kSaturated = 100'000'000;
    int e = 0;
    while (i < s.size() && is_digit(s[i])) {
      if (e < kSaturated) e = e * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start) return false;
    out.exponent = neg ? -e : e;
  }
  return i == s.size();
}

NumberStatus scaled_magnitude(const NumberText& n, int scale, bool truncate, int max_digits,
                              Wide& magnitude) noexcept {
  magnitude = Wide{};
  // Digit k of int_digits+frac_digits sits at decimal position (point - 1 - k),
  // where point = int_digits.size() + exponent + scale digits are integral.
  const int64_t total = static_cast<int64_t>(n.int_digits.size() + n.frac_digits.size());
  const int64_t point = static_cast<int64_t>(n.int_digits.size()) + n.exponent + scale;
  auto digit_at = [&](int64_t k) -> char {
    size_t uk = static_cast<size_t>(k);
    return uk < n.int_digits.size() ? n.int_digits[uk] : n.frac_digits[uk - n.int_digits.size()];
  };
  int significant = 0;
  const int64_t int_end = point < total ? point : total;
  for (int64_t k = 0; k < int_end; ++k) {
    unsigned d = static_cast<unsigned>(digit_at(k) - '0');
    if (significant == 0 && d == 0) continue;
    ++significant;
    if (max_digits > 0 && significant > max_digits) return NumberStatus::overflow;
    if (!mul10_add(magnitude, d)) return NumberStatus::overflow;
  }
  // Integral zeros implied by a positive exponent. A zero significand stays
  // 0 (0e999999): no step per implied zero, whose count the input does not
  // bound; otherwise the digit-count guards stop the loop within 400 steps.
  for (int64_t k = total; significant > 0 && k < point; ++k) {
    ++significant;
    if (max_digits > 0 && significant > max_digits) return NumberStatus::overflow;
    if (k - total > 400 || !mul10_add(magnitude, 0)) return NumberStatus::overflow;
  }
  if (!truncate) {
    for (int64_t k = point < 0 ? 0 : point; k < total; ++k)
      if (digit_at(k) != '0') return NumberStatus::fraction;
  }
  return NumberStatus::ok;
}

bool to_twos_complement(bool negative, const Wide& magnitude, int bits, bool is_signed,
                        Wide& out) noexcept {
  if (is_zero(magnitude)) {
    out = Wide{};
    return true;
  }
  if (!is_signed) {
    if (negative) return false;
    if (bits < 256 && compare_pow2(magnitude, bits) >= 0) return false;
    out = magnitude;
    return true;
  }
  // Signed: |v| < 2^(bits-1), or == 2^(bits-1) when negative.
  int c = compare_pow2(magnitude, bits - 1);
  if (c > 0 || (c == 0 && !negative)) return false;
  out = magnitude;
  if (negative) {
    unsigned __int128 carry = 1;
    for (auto& limb : out) {
      unsigned __int128 v = static_cast<unsigned __int128>(~limb) + carry;
      limb = static_cast<uint64_t>(v);
      carry = v >> 64;
    }
  }
  return true;
}

}  // namespace k2c
