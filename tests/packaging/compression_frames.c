/* compression_frames OUT_DIR INPUT: compresses INPUT at every level of zstd
 * and of the LZ4 frame format and writes each frame to OUT_DIR.
 *
 * Built by compression_test.py twice: against the compression-only libzstd.a
 * and liblz4.a that packaging/package links into the zip, and against
 * Debian's own static archives. Same calls as handler/compress.cc (one
 * ZSTD_CCtx reused with ZSTD_compress2; one LZ4F_cctx, begin/update/end),
 * at the function's levels and all others, whose match finders the package
 * builds -Os: they must still produce the same frames.
 */
#include <lz4frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

static void die(const char* what, const char* detail) {
  fprintf(stderr, "compression_frames: %s: %s\n", what, detail);
  exit(1);
}

static void write_file(const char* dir, const char* name, const char* data, size_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE* f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, n, f) != n || fclose(f) != 0) die("cannot write", path);
}

int main(int argc, char** argv) {
  if (argc != 3) die("usage", "compression_frames OUT_DIR INPUT");
  FILE* f = fopen(argv[2], "rb");
  if (f == NULL) die("cannot open", argv[2]);
  fseek(f, 0, SEEK_END);
  const size_t n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  char* in = malloc(n);
  if (in == NULL || fread(in, 1, n, f) != n) die("cannot read", argv[2]);
  fclose(f);
  const size_t cap = ZSTD_compressBound(n) + LZ4F_compressFrameBound(n, NULL) + 4096;
  char* out = malloc(cap);
  char name[64];

  ZSTD_CCtx* z = ZSTD_createCCtx();
  if (z == NULL) die("zstd", "ZSTD_createCCtx failed");
  for (int level = -5; level <= ZSTD_maxCLevel(); level++) {
    if (level == 0) continue;  /* 0 means the default level, 3 */
    size_t rc = ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, level);
    if (ZSTD_isError(rc)) die("zstd level", ZSTD_getErrorName(rc));
    rc = ZSTD_compress2(z, out, cap, in, n);
    if (ZSTD_isError(rc)) die("ZSTD_compress2", ZSTD_getErrorName(rc));
    snprintf(name, sizeof name, "zstd%+d.zst", level);
    write_file(argv[1], name, out, rc);
  }
  ZSTD_freeCCtx(z);

  LZ4F_cctx* l;
  if (LZ4F_isError(LZ4F_createCompressionContext(&l, LZ4F_VERSION))) die("lz4", "no context");
  for (int independent = 0; independent <= 1; independent++) {
    for (int level = 0; level <= LZ4F_compressionLevel_max(); level++) {
      LZ4F_preferences_t prefs;
      memset(&prefs, 0, sizeof prefs);
      prefs.compressionLevel = level;
      prefs.autoFlush = 1;
      prefs.frameInfo.contentSize = n;
      if (independent) {  /* handler/compress.cc's frame */
        prefs.frameInfo.blockMode = LZ4F_blockIndependent;
        prefs.frameInfo.blockSizeID = LZ4F_max4MB;
      }  /* else lz4's defaults: linked 64 KB blocks */
      size_t m = LZ4F_compressBegin(l, out, cap, &prefs);
      if (LZ4F_isError(m)) die("LZ4F_compressBegin", LZ4F_getErrorName(m));
      size_t k = LZ4F_compressUpdate(l, out + m, cap - m, in, n, NULL);
      if (LZ4F_isError(k)) die("LZ4F_compressUpdate", LZ4F_getErrorName(k));
      m += k;
      k = LZ4F_compressEnd(l, out + m, cap - m, NULL);
      if (LZ4F_isError(k)) die("LZ4F_compressEnd", LZ4F_getErrorName(k));
      m += k;
      snprintf(name, sizeof name, "lz4-%s-%d.lz4", independent ? "independent" : "linked", level);
      write_file(argv[1], name, out, m);
    }
  }
  LZ4F_freeCompressionContext(l);
  free(out);
  free(in);
  return 0;
}
