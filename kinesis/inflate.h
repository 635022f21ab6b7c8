// Compressed payloads (SPEC §4.1 step 2): gzip and zlib, with a bounded
// output.
//
// A payload that starts with a gzip header (1F 8B, which no UTF-8 text
// starts with) must inflate cleanly, every member of it, to at most `limit`
// bytes: a corrupt stream or trailing garbage is invalid_compression, more
// than `limit` is payload_too_large. A payload that starts with a valid zlib
// header (RFC 1950: CM 8, CINFO <= 7, the FCHECK multiple of 31) is inflated
// when it inflates cleanly and is taken as it is otherwise (text can start
// with such bytes). Inflating stops at `limit`, so a decompression bomb costs
// at most `limit` bytes of work. One z_stream is reused for every payload.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace k2c {

enum class Compressed { none, gzip, zlib };

inline Compressed sniff_compression(std::string_view p) {
  if (p.size() < 2) return Compressed::none;
  const auto b0 = static_cast<unsigned char>(p[0]), b1 = static_cast<unsigned char>(p[1]);
  if (b0 == 0x1F && b1 == 0x8B) return Compressed::gzip;
  if ((b0 & 0x0F) == 8 && (b0 >> 4) <= 7 && (b0 * 256 + b1) % 31 == 0) return Compressed::zlib;
  return Compressed::none;
}

enum class InflateResult { ok, corrupt, too_large };

class Inflater {
 public:
  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Every gzip member of `in`, concatenated, into `out` (replaced).
  InflateResult gzip(std::string_view in, size_t limit, std::string& out);
  // One zlib stream that must span all of `in`, into `out` (replaced).
  InflateResult zlib(std::string_view in, size_t limit, std::string& out);

 private:
  InflateResult run(std::string_view in, size_t limit, std::string& out, bool gzip);
  void* stream_;  // z_stream*
  int mode_ = 0;  // the window bits the stream was initialised with, 0 = none
};

}  // namespace k2c
