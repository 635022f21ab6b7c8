// Compressed payloads (kinesis/inflate.h): gzip members, zlib streams, the
// output bound, and what a corrupt stream is.
#include "kinesis/inflate.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/producers.h"

namespace k2c {
namespace {

std::string gzip(std::string_view in, int level = 6) { return testing::gzipped(in, level); }
std::string zlib(std::string_view in) { return testing::zlibbed(in); }

TEST(Inflate, SniffsGzipAndValidZlibHeadersOnly) {
  EXPECT_EQ(sniff_compression(gzip("x")), Compressed::gzip);
  EXPECT_EQ(sniff_compression(zlib("x")), Compressed::zlib);
  EXPECT_EQ(sniff_compression("{\"a\":1}"), Compressed::none);
  EXPECT_EQ(sniff_compression("x"), Compressed::none);
  EXPECT_EQ(sniff_compression(std::string("\x78\x9d", 2)), Compressed::none);  // FCHECK wrong
  EXPECT_EQ(sniff_compression(std::string("\x78\xda", 2)), Compressed::zlib);
}

TEST(Inflate, GzipMembersAreConcatenated) {
  Inflater inf;
  std::string out;
  EXPECT_EQ(inf.gzip(gzip("hello ") + gzip("world"), 1 << 20, out), InflateResult::ok);
  EXPECT_EQ(out, "hello world");
  // The same Inflater serves the next payload, of either kind.
  EXPECT_EQ(inf.zlib(zlib("again"), 1 << 20, out), InflateResult::ok);
  EXPECT_EQ(out, "again");
  EXPECT_EQ(inf.gzip(gzip(""), 1 << 20, out), InflateResult::ok);
  EXPECT_EQ(out, "");
}

TEST(Inflate, CorruptTruncatedOrTrailingBytesAreCorrupt) {
  Inflater inf;
  std::string out;
  const std::string g = gzip("some text that compresses");
  std::string flipped = g;
  flipped[g.size() / 2] ^= 0x55;
  EXPECT_EQ(inf.gzip(g.substr(0, g.size() - 3), 1 << 20, out), InflateResult::corrupt);
  EXPECT_EQ(inf.gzip(g + "garbage", 1 << 20, out), InflateResult::corrupt);
  EXPECT_EQ(inf.gzip(flipped, 1 << 20, out), InflateResult::corrupt);
  EXPECT_EQ(inf.zlib(zlib("x") + "y", 1 << 20, out), InflateResult::corrupt);
  EXPECT_EQ(inf.zlib("x\xdanot deflate", 1 << 20, out), InflateResult::corrupt);
  // Still usable afterwards.
  EXPECT_EQ(inf.gzip(g, 1 << 20, out), InflateResult::ok);
}

TEST(Inflate, ABombStopsAtTheLimit) {
  // 64 MiB of zeros compress to ~64 KB; the limit is 16 MiB.
  const std::string bomb = gzip(std::string(64 << 20, '\0'), 9);
  ASSERT_LT(bomb.size(), 100u << 10);
  Inflater inf;
  std::string out;
  EXPECT_EQ(inf.gzip(bomb, 16 << 20, out), InflateResult::too_large);
  EXPECT_LE(out.size(), (16u << 20) + 1);
  // Exactly at the limit is fine.
  EXPECT_EQ(inf.gzip(gzip(std::string(1000, 'a')), 1000, out), InflateResult::ok);
  EXPECT_EQ(inf.gzip(gzip(std::string(1001, 'a')), 1000, out), InflateResult::too_large);
}

}  // namespace
}  // namespace k2c
