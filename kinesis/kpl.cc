#include "kinesis/kpl.h"

#include <openssl/evp.h>

#include <cstring>

namespace k2c {
namespace {

constexpr size_t kMagic = 4;
constexpr size_t kDigest = 16;

// A protobuf reader over one message: varints, and length-delimited fields
// whose length is checked against what is left.
struct Reader {
  const unsigned char* p;
  const unsigned char* end;

  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end) return false;
      const unsigned char b = *p++;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;  // more than 10 bytes
  }
  bool bytes(std::string_view& out) {
    uint64_t n;
    if (!varint(n) || n > static_cast<uint64_t>(end - p)) return false;
    out = std::string_view(reinterpret_cast<const char*>(p), n);
    p += n;
    return true;
  }
  // Skips a field of an unknown number; false on a malformed one.
  bool skip(uint64_t wire_type) {
    uint64_t v;
    std::string_view s;
    switch (wire_type) {
      case 0: return varint(v);
      case 1: if (end - p < 8) return false; p += 8; return true;
      case 2: return bytes(s);
      case 5: if (end - p < 4) return false; p += 4; return true;
      default: return false;  // groups (3, 4) are not in this schema
    }
  }
};

Reader reader_of(std::string_view s) {
  auto* b = reinterpret_cast<const unsigned char*>(s.data());
  return Reader{b, b + s.size()};
}

// Record { partition_key_index = 1; explicit_hash_key_index = 2; data = 3; tags = 4; }
bool parse_record(std::string_view message, uint64_t& key_index, std::string_view& data) {
  Reader r = reader_of(message);
  bool have_key = false, have_data = false;
  while (r.p != r.end) {
    uint64_t tag;
    if (!r.varint(tag)) return false;
    const uint64_t field = tag >> 3, wire = tag & 7;
    if (field == 1 && wire == 0) {
      if (!r.varint(key_index)) return false;
      have_key = true;
    } else if (field == 3 && wire == 2) {
      if (!r.bytes(data)) return false;
      have_data = true;
    } else if (!r.skip(wire)) {
      return false;
    }
  }
  return have_key && have_data;  // both are `required` in the schema
}

bool md5_matches(std::string_view message, std::string_view digest) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(message.data(), message.size(), md, &n, EVP_md5(), nullptr) != 1 ||
      n != kDigest)
    return false;
  return std::memcmp(md, digest.data(), kDigest) == 0;
}

}  // namespace

bool Deaggregator::split(std::string_view data, std::vector<UserRecord>& records) {
  records.clear();
  if (!has_kpl_magic(data) || data.size() < kMagic + kDigest) return false;
  const std::string_view message = data.substr(kMagic, data.size() - kMagic - kDigest);
  if (!md5_matches(message, data.substr(data.size() - kDigest))) return false;

  // AggregatedRecord { partition_key_table = 1; explicit_hash_key_table = 2; records = 3; }
  // Fields may come in any order: keys are resolved once the message is read.
  keys_.clear();
  pending_.clear();
  Reader r = reader_of(message);
  while (r.p != r.end) {
    uint64_t tag;
    if (!r.varint(tag)) return false;
    const uint64_t field = tag >> 3, wire = tag & 7;
    std::string_view s;
    if (field == 1 && wire == 2) {
      if (!r.bytes(s)) return false;
      keys_.push_back(s);
    } else if (field == 3 && wire == 2) {
      if (!r.bytes(s)) return false;
      Pending p{};
      if (!parse_record(s, p.key_index, p.data)) return false;
      pending_.push_back(p);
    } else if (!r.skip(wire)) {
      return false;  // explicit_hash_key_table (2) is skipped here too: read and ignored
    }
  }
  for (const Pending& p : pending_) {
    if (p.key_index >= keys_.size()) {
      records.clear();
      return false;
    }
    records.push_back(UserRecord{keys_[p.key_index], p.data});
  }
  return true;
}

}  // namespace k2c
