// Byte primitives of ClickHouse's RowBinary format.
//
// Fixed-width integers and floats are little-endian; lengths (of strings and
// arrays, maps) are unsigned LEB128; a string is its length then its bytes.
// Output goes to a std::string used as a growable byte buffer: callers reuse
// it across batches so that steady state does not allocate.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace k2c {

template <typename T>
inline void put_fixed(std::string& out, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  static_assert(std::endian::native == std::endian::little, "RowBinary is little-endian");
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

inline void put_varint(std::string& out, uint64_t value) {
  char bytes[10];
  size_t n = 0;
  while (value >= 0x80) {
    bytes[n++] = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  bytes[n++] = static_cast<char>(value);
  out.append(bytes, n);
}

inline void put_string(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s.data(), s.size());
}

}  // namespace k2c
