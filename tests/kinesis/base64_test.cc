// base64: RFC 4648 vectors, rejections, and the AVX2 decoder against the
// scalar one on random valid and corrupted inputs.
#include "kinesis/base64.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace k2c {
namespace {

std::string encode(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (in.size() - i == 1) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (in.size() - i == 2) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

struct Decoded {
  bool ok;
  std::string bytes;
  bool operator==(const Decoded&) const = default;
};

template <typename F>
Decoded run(F f, std::string_view in, size_t padding = 64) {
  std::string buffer;
  size_t size = 0;
  bool ok = f(in, buffer, padding, size);
  if (ok) {
    EXPECT_GE(buffer.size(), size + padding);
  }
  return {ok, ok ? buffer.substr(0, size) : std::string()};
}

TEST(Base64, DecodesRfc4648Vectors) {
  const std::pair<const char*, const char*> cases[] = {
      {"", ""},         {"Zg==", "f"},         {"Zm8=", "fo"},        {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"}};
  for (const auto& [in, want] : cases) EXPECT_EQ(run(base64_decode, in), (Decoded{true, want})) << in;
}

TEST(Base64, RejectsBadLengthCharactersAndPadding) {
  for (const char* in : {"Zg=", "Z===", "Zm9v!A==", "Zh==", "Zm9=", "Zg==Zg==", "=Zm9", "Zm 9v"})
    EXPECT_FALSE(run(base64_decode, in).ok) << in;
}

TEST(Base64, AcceptsLineBreaksAndMissingPadding) {
  const std::pair<const char*, const char*> cases[] = {
      {"Zg", "f"}, {"Zm8", "fo"}, {"Zm9vYg", "foob"}, {"Zm9v\nYmFy", "foobar"},
      {"Zm9v\r\nYmE=", "fooba"}, {"Zm9vYmFy\n", "foobar"}, {"Zm\n9vYg", "foob"}};
  for (const auto& [in, want] : cases) EXPECT_EQ(run(base64_decode, in), (Decoded{true, want})) << in;
  for (const char* in : {"Z", "Zm9vY", "Zg=\n", "Zm 9v", "Zh"}) EXPECT_FALSE(run(base64_decode, in).ok) << in;
}

TEST(Base64, KeepsPaddingBytesAfterTheData) {
  std::string buffer;
  size_t size = 0;
  ASSERT_TRUE(base64_decode(encode(std::string(100, 'x')), buffer, 64, size));
  EXPECT_EQ(size, 100u);
  EXPECT_GE(buffer.size(), 164u);
}

TEST(Base64, Avx2MatchesScalarOnRandomValidInput) {
  if (!detail::base64_avx2_available()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937_64 rng(1);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string raw(rng() % 400, '\0');
    for (auto& c : raw) c = static_cast<char>(rng());
    const std::string text = encode(raw);
    for (size_t padding : {size_t{0}, size_t{3}, size_t{64}}) {
      Decoded a = run(detail::base64_decode_avx2, text, padding);
      ASSERT_EQ(a, run(detail::base64_decode_scalar, text, padding)) << text;
      ASSERT_EQ(a, (Decoded{true, raw}));
    }
  }
}

TEST(Base64, Avx2MatchesScalarOnCorruptedInput) {
  if (!detail::base64_avx2_available()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::mt19937_64 rng(2);
  int rejected = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string raw(rng() % 300, '\0');
    for (auto& c : raw) c = static_cast<char>(rng());
    std::string text = encode(raw);
    if (text.empty()) continue;
    // One to three bytes replaced by anything: outside the alphabet, '=',
    // NUL, high bytes, or another valid character.
    for (int k = static_cast<int>(rng() % 3); k >= 0; --k) {
      const size_t pos = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[pos] = static_cast<char>(rng()); break;
        case 1: text[pos] = '='; break;
        case 2: text[pos] = static_cast<char>(0x80 | rng()); break;
        default: text[pos] = "+/-_ \n\0A"[rng() % 8]; break;
      }
    }
    Decoded a = run(detail::base64_decode_avx2, text);
    ASSERT_EQ(a, run(detail::base64_decode_scalar, text)) << text;
    rejected += !a.ok;
  }
  EXPECT_GT(rejected, 10000);
}

}  // namespace
}  // namespace k2c
