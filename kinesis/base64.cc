#include "kinesis/base64.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define K2C_BASE64_AVX2 1
#endif

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

// Decodes `quads` groups of 4 characters without padding; false on a
// character outside the alphabet.
inline bool decode_quads(const uint8_t*& src, uint8_t*& out, size_t quads) {
  for (size_t i = 0; i < quads; ++i, src += 4) {
    uint32_t a = kDecode[src[0]], b = kDecode[src[1]], c = kDecode[src[2]], d = kDecode[src[3]];
    if ((a | b | c | d) & 0x80) return false;
    uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    out[0] = static_cast<uint8_t>(v >> 16);
    out[1] = static_cast<uint8_t>(v >> 8);
    out[2] = static_cast<uint8_t>(v);
    out += 3;
  }
  return true;
}

#ifdef K2C_BASE64_AVX2
// Wojciech Muła's pshufb-lookup decoder ("Base64 decoding with SIMD
// instructions", 2016), as in Lemire and Muła, "Faster Base64 Encoding and
// Decoding using AVX2 Instructions", ACM TWEB 2018. Decodes blocks of 32
// characters (no '=') into 24 bytes; each block stores 32 bytes, so the
// caller guarantees 8 writable bytes past the 24. Returns the number of
// blocks decoded; stops early at a block with a character outside the
// alphabet (the scalar loop then finds and reports it).
__attribute__((target("avx2"))) size_t decode_blocks_avx2(const uint8_t* src, uint8_t* out,
                                                          size_t blocks) {
  const __m256i lut_lo = _mm256_setr_epi8(
      0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
      0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
  const __m256i lut_hi = _mm256_setr_epi8(
      0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
      0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const __m256i lut_roll = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
                                            0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i mask_0f = _mm256_set1_epi8(0x0f);
  const __m256i slash = _mm256_set1_epi8('/');
  const __m256i pack_ab = _mm256_set1_epi32(0x01400140);
  const __m256i pack_abc = _mm256_set1_epi32(0x00011000);
  const __m256i shuffle = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
                                           2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  const __m256i permute = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
  size_t b = 0;
  for (; b < blocks; ++b, src += 32, out += 24) {
    const __m256i in = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
    const __m256i hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(in, 4), mask_0f);
    const __m256i lo_nibbles = _mm256_and_si256(in, mask_0f);
    const __m256i lo = _mm256_shuffle_epi8(lut_lo, lo_nibbles);
    const __m256i hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
    if (!_mm256_testz_si256(lo, hi)) break;
    const __m256i eq_slash = _mm256_cmpeq_epi8(in, slash);
    const __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_slash, hi_nibbles));
    const __m256i values = _mm256_add_epi8(in, roll);
    const __m256i merged = _mm256_maddubs_epi16(values, pack_ab);
    const __m256i packed = _mm256_madd_epi16(merged, pack_abc);
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(packed, shuffle), permute);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), bytes);
  }
  return b;
}
#endif

template <bool kAvx2>
bool decode(std::string_view in, std::string& buffer, size_t padding, size_t& size) {
  if (in.size() % 4 != 0) return false;
  size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  const size_t out_len = in.size() / 4 * 3 - pad;
  if (buffer.size() < out_len + padding) buffer.resize(out_len + padding);
  auto* const out_begin = reinterpret_cast<uint8_t*>(buffer.data());
  auto* out = out_begin;
  const auto* src = reinterpret_cast<const uint8_t*>(in.data());
  size_t full = in.size() / 4 - (pad > 0 ? 1 : 0);
#ifdef K2C_BASE64_AVX2
  if constexpr (kAvx2) {
    // Each block writes 32 bytes for 24: stay 8 bytes inside the buffer.
    size_t blocks = full / 8;
    while (blocks > 0 && (blocks * 24 + 8) > buffer.size()) --blocks;
    const size_t done = decode_blocks_avx2(src, out, blocks);
    src += done * 32;
    out += done * 24;
    full -= done * 8;
    // The last fewer-than-8 quads: one more block over a copy filled up with
    // 'A' (which decodes to zero bits), instead of the scalar loop.
    if (done == blocks && full > 0 && full < 8) {
      alignas(32) uint8_t tail_in[32];
      alignas(32) uint8_t tail_out[32];
      std::memset(tail_in, 'A', sizeof tail_in);
      std::memcpy(tail_in, src, full * 4);
      if (decode_blocks_avx2(tail_in, tail_out, 1) == 1) {
        std::memcpy(out, tail_out, full * 3);
        src += full * 4;
        out += full * 3;
        full = 0;
      }
    }
  }
#endif
  if (!decode_quads(src, out, full)) return false;
  if (pad > 0) {
    uint32_t a = kDecode[src[0]], b = kDecode[src[1]];
    uint32_t c = pad == 2 ? 0 : kDecode[src[2]];
    if ((a | b | c) & 0x80) return false;
    // The bits below the last full byte must be zero (canonical encoding).
    if (pad == 2 && (b & 0x0f) != 0) return false;
    if (pad == 1 && (c & 0x03) != 0) return false;
    uint32_t v = (a << 18) | (b << 12) | (c << 6);
    *out++ = static_cast<uint8_t>(v >> 16);
    if (pad == 1) *out++ = static_cast<uint8_t>(v >> 8);
  }
  size = static_cast<size_t>(out - out_begin);
  return true;
}

bool detect_avx2() noexcept {
#ifdef K2C_BASE64_AVX2
  __builtin_cpu_init();  // we may run before libgcc's constructor
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

const bool kHaveAvx2 = detect_avx2();

}  // namespace

namespace detail {
bool base64_decode_scalar(std::string_view in, std::string& buffer, size_t padding, size_t& size) {
  return decode<false>(in, buffer, padding, size);
}
bool base64_decode_avx2(std::string_view in, std::string& buffer, size_t padding, size_t& size) {
  return decode<true>(in, buffer, padding, size);
}
bool base64_avx2_available() noexcept { return kHaveAvx2; }
}  // namespace detail

bool base64_decode(std::string_view in, std::string& buffer, size_t padding, size_t& size) {
  if (kHaveAvx2 ? decode<true>(in, buffer, padding, size) : decode<false>(in, buffer, padding, size))
    return true;
  // Lenient second try, on the failure path only: line breaks (MIME-style
  // 76-column lines) removed and missing '=' padding added.
  std::string clean;
  clean.reserve(in.size() + 3);
  for (char c : in)
    if (c != '\n' && c != '\r') clean.push_back(c);
  if (clean.size() % 4 != 0) {
    // Only fully unpadded text is padded: "Zg=" stays an error.
    if (clean.size() % 4 == 1 || clean.find('=') != std::string::npos) return false;
    while (clean.size() % 4 != 0) clean.push_back('=');
  } else if (clean.size() == in.size()) {
    return false;  // nothing was repaired: the strict answer stands
  }
  return kHaveAvx2 ? decode<true>(clean, buffer, padding, size)
                   : decode<false>(clean, buffer, padding, size);
}

}  // namespace k2c
