// Exact conversion of decimal number text (a JSON number token, or the
// content of a JSON string) to ClickHouse's integer and decimal types.
//
// Nothing goes through double: the digits are read as written, so Int256,
// UInt256 and Decimal256 get every digit. Wide values are little-endian
// 64-bit limbs in two's complement, exactly RowBinary's layout.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace k2c {

// "-12.50e3" -> negative, int_digits "12", frac_digits "50", exponent 3.
struct NumberText {
  bool negative = false;
  std::string_view int_digits;
  std::string_view frac_digits;
  int exponent = 0;
};

// Accepts -?digits(.digits)?([eE][+-]?digits)?; at least one digit before or
// after the point. Leading zeros are allowed (strings like "007").
bool parse_number_text(std::string_view s, NumberText& out) noexcept;

using Wide = std::array<uint64_t, 4>;  // 256 bits, little-endian limbs

enum class NumberStatus { ok, fraction, overflow };

// The number scaled by 10^scale, with further fraction digits:
//   truncate = true  -> dropped (Decimal: "extra fraction digits are truncated")
//   truncate = false -> must be zeros, else NumberStatus::fraction (integers)
// The result is |value| in `magnitude`, and fits `max_digits` decimal digits
// when max_digits > 0 (Decimal precision), else 256 bits.
NumberStatus scaled_magnitude(const NumberText& n, int scale, bool truncate, int max_digits,
                              Wide& magnitude) noexcept;

// Range check and two's complement for an integer type of `bits` width.
// Returns false when out of range.
bool to_twos_complement(bool negative, const Wide& magnitude, int bits, bool is_signed,
                        Wide& out) noexcept;

}  // namespace k2c
