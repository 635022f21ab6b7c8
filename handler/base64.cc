#include "handler/base64.h"

#include <array>
#include <cstdint>

namespace k2c {
namespace {

constexpr std::array<uint8_t, 256> make_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 0xff;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<uint8_t>(i);
  return t;
}

constexpr std::array<uint8_t, 256> kDecode = make_table();

}  // namespace

bool base64_decode(std::string_view in, std::string& buffer, size_t padding, size_t& size) {
  if (in.size() % 4 != 0) return false;
  size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  const size_t out_len = in.size() / 4 * 3 - pad;
  if (buffer.size() < out_len + padding) buffer.resize(out_len + padding);
  auto* out = reinterpret_cast<uint8_t*>(buffer.data());
  const auto* src = reinterpret_cast<const uint8_t*>(in.data());
  const size_t full = in.size() / 4 - (pad > 0 ? 1 : 0);
  size_t o = 0;
  for (size_t i = 0; i < full; ++i, src += 4) {
    uint32_t a = kDecode[src[0]], b = kDecode[src[1]], c = kDecode[src[2]], d = kDecode[src[3]];
    if ((a | b | c | d) & 0x80) return false;
    uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = static_cast<uint8_t>(v >> 16);
    out[o++] = static_cast<uint8_t>(v >> 8);
    out[o++] = static_cast<uint8_t>(v);
  }
  if (pad > 0) {
    uint32_t a = kDecode[src[0]], b = kDecode[src[1]];
    uint32_t c = pad == 2 ? 0 : kDecode[src[2]];
    if ((a | b | c) & 0x80) return false;
    // The bits below the last full byte must be zero (canonical encoding).
    if (pad == 2 && (b & 0x0f) != 0) return false;
    if (pad == 1 && (c & 0x03) != 0) return false;
    uint32_t v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = static_cast<uint8_t>(v >> 16);
    if (pad == 1) out[o++] = static_cast<uint8_t>(v >> 8);
  }
  size = o;
  return true;
}

}  // namespace k2c
