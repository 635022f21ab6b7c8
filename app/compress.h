// Request-body compression for ClickHouse inserts (CLICKHOUSE_COMPRESSION).
//
// Pure: bytes in, bytes out; no curl, no I/O. A Compressor holds one codec's
// long-lived state (a z_stream, a ZSTD_CCtx or an LZ4F_cctx) and one output
// buffer, both reused by every call, so that once the buffer has grown to the
// largest body seen, compressing allocates nothing. The codecs are what the
// ClickHouse HTTP interface decodes for `Content-Encoding`: gzip (RFC 1952,
// every server version), zstd (a zstd frame, ClickHouse 21.1 and later) and
// lz4 (the LZ4 *frame* format of lz4frame.h, not raw LZ4 blocks and not
// ClickHouse's own "compress=1" framing; ClickHouse 21.10 and later).
//
// One Compressor per client, not thread-safe. The view returned by compress()
// points into the Compressor's buffer (or, for Compression::none, at the
// input itself) and is valid until the next call.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "app/config.h"
#include "base/error.h"

namespace k2c {

// The Content-Encoding header value for a codec; empty for none.
std::string_view content_encoding(Compression codec) noexcept;

class Compressor {
 public:
  explicit Compressor(Compression codec);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  Compression codec() const noexcept { return codec_; }

  // The whole body as one gzip member / zstd frame / LZ4 frame. Fails only
  // if the library does (out of memory when first creating its state); the
  // error is ErrorKind::transient, like any other resource failure.
  Result<std::string_view> compress(std::string_view body);

 private:
  Result<std::string_view> gzip(std::string_view body);
  Result<std::string_view> zstd(std::string_view body);
  Result<std::string_view> lz4(std::string_view body);
  // Makes the output buffer at least `bound` bytes; never shrinks it.
  char* reserve(size_t bound);

  Compression codec_;
  void* state_ = nullptr;  // z_stream*, ZSTD_CCtx* or LZ4F_cctx*, by codec_
  std::string out_;        // its size is the capacity; the result is a prefix
};

}  // namespace k2c
