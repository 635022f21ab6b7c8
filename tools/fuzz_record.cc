// libFuzzer target over the whole record path: base64 -> KPL de-aggregation
// -> inflate -> CloudWatch Logs split -> both lanes, for a json route and a
// text route, into a plan with every kind of column (payload columns of many
// types, DEFAULT columns, every virtual column).
//
// The input is the Kinesis record: its first byte chooses how it is given to
// the encoder (0-127: the rest is the record's data, base64-encoded here;
// 128-255: the rest is the base64 text itself, so the decoder is fuzzed too).
// Findings: a crash, a sanitizer report, or the two lanes disagreeing on the
// bytes, rows or dead letters of any input (abort). `./dev test` builds it
// with clang (-DK2C_FUZZ=ON, build-fuzz/) and runs it for a bounded time on a
// corpus seeded from events/ and the published fixtures (tools/fuzz_seed.py).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kinesis/batch.h"
#include "tests/support/base64_encode.h"

namespace {

using namespace k2c;

const TablePlan& wide_plan() {
  static const TablePlan plan = [] {
    std::vector<ColumnInfo> columns = {
        {"id", "Int64", "", ""},
        {"name", "String", "", ""},
        {"price", "Decimal(18, 4)", "", ""},
        {"score", "Float64", "", ""},
        {"ok", "Bool", "", ""},
        {"at", "DateTime64(3)", "", ""},
        {"tags", "Array(String)", "", ""},
        {"n", "Nullable(Int32)", "", ""},
        {"d", "UInt8", "DEFAULT", "7"},
        {"u", "UUID", "", ""},
        {"m", "Map(String, UInt16)", "", ""},
        {"level", "LowCardinality(String)", "", ""},
        {"_stream_arn", "String", "", ""},
        {"_shard_id", "String", "", ""},
        {"_sequence_number", "String", "", ""},
        {"_sub_sequence_number", "UInt64", "", ""},
        {"_partition_key", "String", "", ""},
        {"_approximate_arrival_timestamp", "DateTime64(3)", "", ""},
        {"_raw", "String", "", ""},
        {"_log_group", "String", "", ""},
        {"_log_stream", "String", "", ""},
        {"_log_owner", "String", "", ""},
        {"_log_event_id", "String", "", ""},
        {"_log_timestamp", "DateTime64(3)", "", ""},
        {"_message", "String", "", ""},
    };
    auto p = TablePlan::build(columns);
    if (!p.ok()) std::abort();
    return std::move(p).value();
  }();
  return plan;
}

std::string describe(const EncodedBatch& b) {
  std::string s = b.format();
  s += "|" + std::to_string(b.rows.size()) + "|" + std::to_string(b.control_messages) + "|";
  for (auto c : b.included) s += std::to_string(c) + ",";
  s += "|" + b.body + "|";
  for (const auto& d : b.dead_letters)
    s += std::to_string(d.record) + ":" + to_string(d.code) + ":" + d.message + ":" + d.raw + ":" +
         std::to_string(d.sub_sequence) + ":" + d.partition_key + ";";
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static BatchEncoder fast, general;
  static bool once = (general.set_fast_lane(false), true);
  (void)once;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string text = data[0] < 128 ? testing::base64_encode(rest) : std::string(rest);
  KinesisRecord record;
  record.data_base64 = text;
  record.event_source_arn = "arn:aws:kinesis:eu-west-1:1:stream/fuzz";
  record.shard_id = "shardId-000000000000";
  record.sequence_number = "49590000000000000000000000000000000000000000000000000001";
  record.partition_key = "pk";
  record.arrival_timestamp = "1700000000.123";
  const std::vector<KinesisRecord> records{record, record};  // twice: state carried across
  const std::vector<uint32_t> which{0, 1};
  for (bool text_route : {false, true}) {
    for (bool with_defaults : {false, true}) {
      EncodeOptions options;
      options.text = text_route;
      EncodedBatch a, b;
      fast.encode(records, which, wide_plan(), with_defaults, a, options);
      general.encode(records, which, wide_plan(), with_defaults, b, options);
      if (describe(a) != describe(b)) {
        std::fprintf(stderr, "the lanes disagree (text=%d, with_defaults=%d)\n", text_route,
                     with_defaults);
        std::abort();
      }
    }
  }
  return 0;
}
