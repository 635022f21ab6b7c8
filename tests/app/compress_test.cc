// Request compression: every codec round-trips through its library's own
// decoder (zlib's gunzip, ZSTD_decompress, the LZ4 frame decoder), and the
// wire format is the one ClickHouse's Content-Encoding expects.
#include "app/compress.h"

#include <gtest/gtest.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <random>
#include <string>

namespace k2c {
namespace {

std::string gunzip(std::string_view in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);  // gzip wrapper only
  std::string out;
  char buf[65536];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END) << "not one complete gzip stream";
  EXPECT_EQ(zs.avail_in, 0u) << "bytes after the gzip stream";
  inflateEnd(&zs);
  return out;
}

std::string unzstd(std::string_view in) {
  const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  EXPECT_NE(size, ZSTD_CONTENTSIZE_ERROR) << "not a zstd frame";
  EXPECT_NE(size, ZSTD_CONTENTSIZE_UNKNOWN) << "frame without its content size";
  EXPECT_EQ(ZSTD_findFrameCompressedSize(in.data(), in.size()), in.size()) << "not one frame";
  std::string out(static_cast<size_t>(size), '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

std::string unlz4(std::string_view in) {
  LZ4F_dctx* d = nullptr;
  EXPECT_FALSE(LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)));
  std::string out;
  char buf[65536];
  size_t pos = 0, hint = 1;
  while (pos < in.size() && hint != 0) {
    size_t dst = sizeof buf, src = in.size() - pos;
    hint = LZ4F_decompress(d, buf, &dst, in.data() + pos, &src, nullptr);
    if (LZ4F_isError(hint)) {
      ADD_FAILURE() << LZ4F_getErrorName(hint);
      break;
    }
    out.append(buf, dst);
    pos += src;
  }
  EXPECT_EQ(hint, 0u) << "LZ4 frame not complete";
  EXPECT_EQ(pos, in.size()) << "bytes after the LZ4 frame";
  LZ4F_freeDecompressionContext(d);
  return out;
}

std::string decode(Compression codec, std::string_view in) {
  switch (codec) {
    case Compression::gzip:
      return gunzip(in);
    case Compression::zstd:
      return unzstd(in);
    case Compression::lz4:
      return unlz4(in);
    case Compression::none:
      return std::string(in);
  }
  return {};
}

// Bytes like a RowBinary body: repeated structure with varying values.
std::string body_like(size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s;
  s.reserve(bytes);
  while (s.size() < bytes) {
    s += "\x24"
         "00112233-4455-6677-8899-aabbccddeeff";
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(rng() & 0x0f));
    s += "\x03"
         "EUR\x07shipped";
  }
  s.resize(bytes);
  return s;
}

std::string random_bytes(size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(bytes, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

class EveryCodec : public ::testing::TestWithParam<Compression> {};

INSTANTIATE_TEST_SUITE_P(Codecs, EveryCodec,
                         ::testing::Values(Compression::gzip, Compression::zstd, Compression::lz4),
                         [](const auto& info) {
                           return std::string(content_encoding(info.param));
                         });

TEST_P(EveryCodec, RoundTripsThroughTheLibrarysOwnDecoder) {
  Compressor c(GetParam());
  const std::string body = body_like(200'000, 1);
  auto out = c.compress(body);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_LT(out->size(), body.size() / 2) << "repetitive bytes should shrink";
  EXPECT_EQ(decode(GetParam(), *out), body);
}

TEST_P(EveryCodec, EmptyBodyIsAValidEmptyStream) {
  Compressor c(GetParam());
  auto out = c.compress("");
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_FALSE(out->empty()) << "a complete stream has a header even when empty";
  EXPECT_EQ(decode(GetParam(), *out), "");
}

TEST_P(EveryCodec, LargeIncompressibleBodyRoundTrips) {
  // 8 MB of random bytes: larger than any Lambda payload, and the worst case
  // for each library's output bound.
  Compressor c(GetParam());
  const std::string body = random_bytes(8 << 20, 2);
  auto out = c.compress(body);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(decode(GetParam(), *out), body);
}

TEST_P(EveryCodec, ReusedCompressorGivesEachBodyItsOwnCompleteStream) {
  // Larger, then smaller, then larger again: no bytes of an earlier body or
  // stream may leak into a later one, and the state is reset each time.
  Compressor c(GetParam());
  for (size_t size : {300'000u, 1'000u, 0u, 250'000u, 300'000u}) {
    const std::string body = body_like(size, static_cast<uint32_t>(size));
    auto out = c.compress(body);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(decode(GetParam(), *out), body) << size;
  }
}

TEST_P(EveryCodec, OutputBufferIsReusedOnceGrown) {
  Compressor c(GetParam());
  const std::string big = body_like(500'000, 3);
  auto first = c.compress(big);
  ASSERT_TRUE(first.ok());
  const char* buffer = first->data();
  for (size_t size : {500'000u, 100'000u, 499'000u}) {
    auto out = c.compress(std::string_view(big).substr(0, size));
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->data(), buffer) << "the output buffer was reallocated for " << size;
  }
}

TEST_P(EveryCodec, SameBodyGivesSameBytes) {
  // "The same input always produces the same bytes" (README) holds on the
  // wire too, whatever the compressor did before.
  Compressor a(GetParam()), b(GetParam());
  const std::string body = body_like(50'000, 4);
  auto x = a.compress(body);
  ASSERT_TRUE(x.ok());
  const std::string first(*x);
  auto y = b.compress(body_like(10'000, 5));  // a different history
  ASSERT_TRUE(y.ok());
  y = b.compress(body);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(*y, first);
}

TEST(Compress, NoneSendsTheBodyItself) {
  Compressor c(Compression::none);
  const std::string body = body_like(1000, 6);
  auto out = c.compress(body);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->data(), body.data()) << "no copy for none";
  EXPECT_EQ(out->size(), body.size());
  EXPECT_EQ(content_encoding(Compression::none), "");
}

TEST(Compress, WireFormatsAreWhatClickHouseDecodes) {
  // gzip member (RFC 1952), zstd frame, LZ4 *frame* (lz4frame.h): ClickHouse
  // reads "Content-Encoding: lz4" with LZ4F_decompress, so raw LZ4 blocks
  // would be refused.
  const std::string body = body_like(5000, 7);
  Compressor gzip(Compression::gzip), zstd(Compression::zstd), lz4(Compression::lz4);
  EXPECT_EQ(gzip.compress(body)->substr(0, 3), "\x1f\x8b\x08");
  EXPECT_EQ(zstd.compress(body)->substr(0, 4), "\x28\xb5\x2f\xfd");
  EXPECT_EQ(lz4.compress(body)->substr(0, 4), "\x04\x22\x4d\x18");
  EXPECT_EQ(content_encoding(Compression::gzip), "gzip");
  EXPECT_EQ(content_encoding(Compression::zstd), "zstd");
  EXPECT_EQ(content_encoding(Compression::lz4), "lz4");
}

}  // namespace
}  // namespace k2c
