// A batch of Kinesis records for encoder tests: payloads are added (base64-
// encoded here, or given as the base64 text itself), then finish() makes the
// records, all of stream "arn:s", shard "shard-1", with sequence numbers
// first_sequence, first_sequence + 1, ... and one partition key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kinesis/kinesis.h"
#include "tests/support/base64_encode.h"

namespace k2c::testing {

struct RecordBatch {
  explicit RecordBatch(int first_sequence = 1, std::string partition_key = "pk")
      : first_sequence_(first_sequence), partition_key_(std::move(partition_key)) {}

  std::vector<std::string> data;  // base64 texts (owned)
  std::vector<std::string> sequence_numbers;
  std::vector<KinesisRecord> records;
  std::vector<uint32_t> which;

  void add(std::string_view payload, bool encode = true) {
    data.push_back(encode ? base64_encode(payload) : std::string(payload));
  }
  void finish() {
    sequence_numbers.clear();
    for (size_t i = 0; i < data.size(); ++i)
      sequence_numbers.push_back(std::to_string(first_sequence_ + static_cast<int>(i)));
    for (size_t i = 0; i < data.size(); ++i) {
      KinesisRecord r;
      r.data_base64 = data[i];
      r.event_source_arn = "arn:s";
      r.shard_id = "shard-1";
      r.sequence_number = sequence_numbers[i];
      r.partition_key = partition_key_;
      r.arrival_timestamp = "1700000000.5";
      records.push_back(r);
      which.push_back(static_cast<uint32_t>(i));
    }
  }

 private:
  int first_sequence_;
  std::string partition_key_;
};

}  // namespace k2c::testing
