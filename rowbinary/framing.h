// RowBinary framing, in one place: what surrounds the values an encoder
// writes. The lanes of kinesis/ call these and never write a framing byte
// themselves.
//
//  - RowBinaryWithDefaults puts one byte before every column of a row: 0 =
//    a value follows, 1 = no value, the server applies the column's DEFAULT.
//  - A column without a value in plain RowBinary (or a Nullable one) gets
//    its encoder's missing value: NULL for Nullable, else the zero value.
//  - An array is its element count (unsigned LEB128), then the elements;
//    ArrayCount reserves the count before the elements are known.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "rowbinary/encoder.h"

namespace k2c::rowbinary {

// Before a value that the column's encoder writes next.
inline void value_follows(std::string& body, bool with_defaults) {
  if (with_defaults) body.push_back('\0');
}

// A column of this row that has no value.
inline void missing_value(const Encoder& encoder, bool nullable, std::string& body,
                          bool with_defaults) {
  if (with_defaults && !nullable) {
    body.push_back('\1');  // the server applies the column's DEFAULT
    return;
  }
  value_follows(body, with_defaults);
  encoder.write_default(body);  // NULL for Nullable, else the zero value
}

// An element count written before the elements: one byte is reserved, and
// widened in place when the count needs more (128 and up).
class ArrayCount {
 public:
  explicit ArrayCount(std::string& out) : at_(out.size()) { out.push_back('\0'); }
  void finish(std::string& out, uint64_t count) const {
    if (count < 0x80) {
      out[at_] = static_cast<char>(count);
      return;
    }
    std::string varint;
    put_varint(varint, count);
    out.replace(at_, 1, varint);
  }

 private:
  size_t at_;
};

}  // namespace k2c::rowbinary
