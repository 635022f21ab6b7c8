#include "app/compress.h"

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

namespace k2c {
namespace {

// Levels: the fastest setting of each library, measured on the 5,000-record
// orders body (1.02 MB) on the bench machine. Higher levels buy a few percent
// of size for several times the CPU, which the function pays per batch:
//   gzip 1: 4.26x at 135 MB/s   (gzip 6: 4.59x at 68 MB/s)
//   zstd 1: 4.53x at 712 MB/s   (zstd 3: 4.56x at 360 MB/s; zstd -1: 4.19x at 903 MB/s)
//   lz4 0:  3.68x at ~1 GB/s    (lz4 3, i.e. LZ4 HC: 4.23x at 161 MB/s)
// docs/performance.md, "Request compression", has the bench's figures per batch size.
constexpr int kGzipLevel = 1;
constexpr int kZstdLevel = 1;
constexpr int kLz4Level = 0;  // lz4's default fast mode (acceleration 1)

// zlib counts in uInt (32 bits); a Lambda payload is at most 6 MB, so a
// body this large is a bug, not a batch.
constexpr size_t kMaxBody = size_t{1} << 30;

Error compression_error(std::string message) {
  return make_error(ErrorKind::transient, "request compression: " + std::move(message),
                    ErrorCode::compression);
}

}  // namespace

std::string_view content_encoding(Compression codec) noexcept {
  // The setting's values are the Content-Encoding tokens; none sends none.
  return codec == Compression::none ? std::string_view{} : compression_name(codec);
}

Compressor::Compressor(Compression codec) : codec_(codec) {}

Compressor::~Compressor() {
  if (state_ == nullptr) return;
  switch (codec_) {
    case Compression::gzip: {
      auto* zs = static_cast<z_stream*>(state_);
      deflateEnd(zs);
      delete zs;
      break;
    }
    case Compression::zstd:
      ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(state_));
      break;
    case Compression::lz4:
      LZ4F_freeCompressionContext(static_cast<LZ4F_cctx*>(state_));
      break;
    case Compression::none:
      break;
  }
}

char* Compressor::reserve(size_t bound) {
  // resize() only when growing: the zero-fill is paid once per new maximum,
  // never per call.
  if (out_.size() < bound) out_.resize(bound);
  return out_.data();
}

Result<std::string_view> Compressor::compress(std::string_view body) {
  if (body.size() > kMaxBody) return compression_error("body larger than 1 GiB");
  switch (codec_) {
    case Compression::none:
      return body;
    case Compression::gzip:
      return gzip(body);
    case Compression::zstd:
      return zstd(body);
    case Compression::lz4:
      return lz4(body);
  }
  return body;
}

Result<std::string_view> Compressor::gzip(std::string_view body) {
  auto* zs = static_cast<z_stream*>(state_);
  if (zs == nullptr) {
    // deflateInit2 allocates the window and hash tables once; deflateReset
    // below reuses them for every later body.
    zs = new z_stream{};
    // windowBits 15 + 16: a gzip wrapper (header and CRC-32), which is what
    // "Content-Encoding: gzip" means; plain 15 would be a zlib stream.
    if (deflateInit2(zs, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      delete zs;
      return compression_error("deflateInit2 failed");
    }
    state_ = zs;
  } else if (deflateReset(zs) != Z_OK) {
    return compression_error("deflateReset failed");
  }
  const uLong bound = deflateBound(zs, static_cast<uLong>(body.size()));
  char* out = reserve(bound);
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  zs->avail_in = static_cast<uInt>(body.size());
  zs->next_out = reinterpret_cast<Bytef*>(out);
  zs->avail_out = static_cast<uInt>(bound);
  // With avail_out >= deflateBound, one Z_FINISH call completes the stream.
  const int rc = deflate(zs, Z_FINISH);
  if (rc != Z_STREAM_END) return compression_error("deflate returned " + std::to_string(rc));
  return std::string_view(out, static_cast<size_t>(zs->total_out));
}

Result<std::string_view> Compressor::zstd(std::string_view body) {
  auto* cctx = static_cast<ZSTD_CCtx*>(state_);
  if (cctx == nullptr) {
    // One context for the process: its workspace is allocated on first use
    // and reused (ZSTD_compress2 starts a new frame each call).
    cctx = ZSTD_createCCtx();
    if (cctx == nullptr) return compression_error("ZSTD_createCCtx failed");
    const size_t rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, kZstdLevel);
    if (ZSTD_isError(rc)) {
      ZSTD_freeCCtx(cctx);
      return compression_error(ZSTD_getErrorName(rc));
    }
    state_ = cctx;
  }
  const size_t bound = ZSTD_compressBound(body.size());
  char* out = reserve(bound);
  const size_t n = ZSTD_compress2(cctx, out, bound, body.data(), body.size());
  if (ZSTD_isError(n)) return compression_error(ZSTD_getErrorName(n));
  return std::string_view(out, n);
}

Result<std::string_view> Compressor::lz4(std::string_view body) {
  auto* cctx = static_cast<LZ4F_cctx*>(state_);
  if (cctx == nullptr) {
    // The context keeps its LZ4 stream state across frames.
    const size_t rc = LZ4F_createCompressionContext(&cctx, LZ4F_VERSION);
    if (LZ4F_isError(rc)) return compression_error(LZ4F_getErrorName(rc));
    state_ = cctx;
  }
  LZ4F_preferences_t prefs{};
  prefs.compressionLevel = kLz4Level;
  // autoFlush: each block goes straight to the output, so the context never
  // copies the body into its own buffer.
  prefs.autoFlush = 1;
  // Independent 4 MB blocks, not lz4's default linked 64 KB ones: linked
  // blocks need a 64 KB history buffer that lz4 1.9.4 frees at the end of
  // every frame (LZ4F_compressEnd resets maxBufferSize) and callocs again at
  // the next LZ4F_compressBegin. One block per body (Lambda payloads are at
  // most 6 MB) loses nothing to block boundaries: the orders body compresses
  // to the same size either way (3.68x).
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.blockSizeID = LZ4F_max4MB;
  // The decoded size in the frame header lets a decoder size its output.
  prefs.frameInfo.contentSize = body.size();
  const size_t bound = LZ4F_HEADER_SIZE_MAX + LZ4F_compressBound(body.size(), &prefs);
  char* out = reserve(bound);
  size_t n = LZ4F_compressBegin(cctx, out, bound, &prefs);
  if (!LZ4F_isError(n)) {
    const size_t m =
        LZ4F_compressUpdate(cctx, out + n, bound - n, body.data(), body.size(), nullptr);
    n = LZ4F_isError(m) ? m : n + m;
  }
  if (!LZ4F_isError(n)) {
    const size_t m = LZ4F_compressEnd(cctx, out + n, bound - n, nullptr);
    n = LZ4F_isError(m) ? m : n + m;
  }
  if (LZ4F_isError(n)) return compression_error(LZ4F_getErrorName(n));
  return std::string_view(out, n);
}

}  // namespace k2c
