#include "kinesis/inflate.h"

#include <zlib.h>

#include <algorithm>

namespace k2c {
namespace {

constexpr int kGzipBits = 16 + MAX_WBITS;
constexpr int kZlibBits = MAX_WBITS;
constexpr size_t kStep = 64 * 1024;

}  // namespace

Inflater::Inflater() : stream_(new z_stream{}) {}

Inflater::~Inflater() {
  auto* z = static_cast<z_stream*>(stream_);
  if (mode_ != 0) inflateEnd(z);
  delete z;
}

InflateResult Inflater::gzip(std::string_view in, size_t limit, std::string& out) {
  return run(in, limit, out, true);
}

InflateResult Inflater::zlib(std::string_view in, size_t limit, std::string& out) {
  return run(in, limit, out, false);
}

InflateResult Inflater::run(std::string_view in, size_t limit, std::string& out, bool gzip) {
  auto* z = static_cast<z_stream*>(stream_);
  const int bits = gzip ? kGzipBits : kZlibBits;
  out.clear();
  auto* next = reinterpret_cast<const Bytef*>(in.data());
  size_t left = in.size();
  // Each loop is one member (gzip) or the one stream (zlib).
  do {
    if (mode_ != bits) {
      if (mode_ != 0) inflateEnd(z);
      *z = z_stream{};
      mode_ = 0;
      if (inflateInit2(z, bits) != Z_OK) return InflateResult::corrupt;
      mode_ = bits;
    } else if (inflateReset(z) != Z_OK) {
      return InflateResult::corrupt;
    }
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      if (out.size() == limit + 1) return InflateResult::too_large;
      const size_t room = std::min(kStep, limit + 1 - out.size());
      const size_t had = out.size();
      out.resize(had + room);
      z->next_in = const_cast<Bytef*>(next);
      z->avail_in = static_cast<uInt>(std::min<size_t>(left, UINT32_MAX));
      z->next_out = reinterpret_cast<Bytef*>(out.data() + had);
      z->avail_out = static_cast<uInt>(room);
      rc = inflate(z, Z_NO_FLUSH);
      out.resize(had + room - z->avail_out);
      left -= reinterpret_cast<const Bytef*>(z->next_in) - next;
      next = z->next_in;
      if (rc == Z_STREAM_END) break;
      if (rc == Z_BUF_ERROR && z->avail_out != 0) return InflateResult::corrupt;  // input ended
      if (rc != Z_OK && rc != Z_BUF_ERROR) return InflateResult::corrupt;
      if (out.size() > limit) return InflateResult::too_large;
    }
    if (out.size() > limit) return InflateResult::too_large;
  } while (gzip && left > 0);
  return left == 0 ? InflateResult::ok : InflateResult::corrupt;  // zlib: trailing bytes
}

}  // namespace k2c
