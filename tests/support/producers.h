// What producers write, built here for tests and benchmarks: KPL aggregates
// (protobuf AggregatedRecord framed with the magic and its MD5, as the
// Kinesis Producer Library writes it) and deflate streams (gzip or zlib).
// Independent of the decoders under test (kinesis/kpl.h, kinesis/inflate.h):
// zlib and OpenSSL do the work.
#pragma once

#include <openssl/evp.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace k2c::testing {

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// A length-delimited protobuf field.
inline void put_field(std::string& out, int number, std::string_view bytes) {
  put_varint(out, static_cast<uint64_t>(number) << 3 | 2);
  put_varint(out, bytes.size());
  out += bytes;
}

// A protobuf Record: partition_key_index = 1, data = 3.
inline std::string kpl_record(uint64_t key_index, std::string_view data) {
  std::string r;
  put_varint(r, 1 << 3);
  put_varint(r, key_index);
  put_field(r, 3, data);
  return r;
}

// Magic, `message`, MD5 of `message`.
inline std::string kpl_frame(const std::string& message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(message.data(), message.size(), md, &n, EVP_md5(), nullptr);
  return std::string("\xF3\x89\x9A\xC2", 4) + message + std::string(reinterpret_cast<char*>(md), n);
}

// An aggregate of (partition key, data) user records; each key once in the table.
inline std::string kpl_aggregate(const std::vector<std::pair<std::string, std::string>>& users) {
  std::vector<std::string> keys;
  std::string m;
  for (const auto& [key, _] : users) {
    bool known = false;
    for (const auto& k : keys) known = known || k == key;
    if (!known) {
      keys.push_back(key);
      put_field(m, 1, key);
    }
  }
  for (const auto& [key, data] : users) {
    uint64_t index = 0;
    while (keys[index] != key) ++index;
    put_field(m, 3, kpl_record(index, data));
  }
  return kpl_frame(m);
}

// `in` deflated: window_bits 16 + MAX_WBITS for gzip, MAX_WBITS for zlib.
inline std::string deflated(std::string_view in, int window_bits, int level = 6) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}
inline std::string gzipped(std::string_view in, int level = 6) { return deflated(in, 16 + MAX_WBITS, level); }
inline std::string zlibbed(std::string_view in) { return deflated(in, MAX_WBITS); }

}  // namespace k2c::testing
