// KPL aggregated records (SPEC §4.1 step 1).
//
// The Kinesis Producer Library packs many user records into one Kinesis
// record: the magic F3 89 9A C2, a protobuf AggregatedRecord, and the MD5 of
// that protobuf. Deaggregator::split() recognises one and lists its user
// records, each with its own partition key; anything that is not a
// well-formed aggregate (too short, a wrong MD5, a malformed protobuf, an
// index out of the key table) is not one, and the record goes on as one
// ordinary payload, as the KCL and AWS's de-aggregation libraries do.
//
// The protobuf is read by hand: five fields, no protobuf library. Every
// length is checked against what is left, so the work is linear in the
// input and nothing is read out of bounds. Views point into the input.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace k2c {

struct UserRecord {
  std::string_view partition_key;
  std::string_view data;
};

// The 4-byte magic that opens every aggregate.
inline bool has_kpl_magic(std::string_view data) {
  return data.size() >= 4 && static_cast<unsigned char>(data[0]) == 0xF3 &&
         static_cast<unsigned char>(data[1]) == 0x89 && static_cast<unsigned char>(data[2]) == 0x9A &&
         static_cast<unsigned char>(data[3]) == 0xC2;
}

class Deaggregator {
 public:
  // True when `data` is a well-formed aggregate: `records` then holds its
  // user records in order (possibly none). False: not an aggregate, and
  // `records` is empty. Views live as long as `data`; `records` is reused.
  bool split(std::string_view data, std::vector<UserRecord>& records);

 private:
  struct Pending {
    uint64_t key_index;
    std::string_view data;
  };
  std::vector<std::string_view> keys_;
  std::vector<Pending> pending_;
};

}  // namespace k2c
