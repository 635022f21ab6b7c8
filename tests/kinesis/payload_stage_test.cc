// The payload stage of the batch encoder (SPEC §4.1): KPL aggregates,
// gzip and zlib, CloudWatch Logs messages, text routes and table_field, and
// the virtual columns they fill. Exact bytes where the schema is small;
// both lanes must agree on every case.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "kinesis/batch.h"
#include "tests/rowbinary/encoder_test_util.h"
#include "tests/support/record_batch.h"
#include "tests/support/producers.h"

namespace k2c {
namespace {

using testing::to_hex;

// Sequence numbers 101, 102, ...; partition key "outer" (the record's, as
// against a KPL user record's own).
struct Batch : testing::RecordBatch {
  Batch() : RecordBatch(101, "outer") {}
  void add(std::string payload) { RecordBatch::add(payload); }
};

TablePlan plan(std::vector<ColumnInfo> columns) {
  auto p = TablePlan::build(columns);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return std::move(p).value();
}

// Both lanes, the same answer: `out` from the fast one.
void encode_both(Batch& b, const TablePlan& p, EncodedBatch& out, const EncodeOptions& o = {}) {
  BatchEncoder fast, general;
  general.set_fast_lane(false);
  EncodedBatch g;
  fast.encode(b.records, b.which, p, false, out, o);
  general.encode(b.records, b.which, p, false, g, o);
  EXPECT_EQ(to_hex(out.body), to_hex(g.body));
  EXPECT_EQ(out.rows, g.rows);
  EXPECT_EQ(out.dead_letters.size(), g.dead_letters.size());
}

// --- KPL ---------------------------------------------------------------

using testing::kpl_aggregate;

const std::vector<ColumnInfo> kKpl = {{"_sub_sequence_number", "UInt32", "", ""},
                                      {"_partition_key", "String", "", ""},
                                      {"a", "Int8", "", ""}};

TEST(PayloadStage, AnAggregateIsOneRowPerUserRecordWithItsOwnKeyAndSubSequence) {
  Batch b;
  b.add(kpl_aggregate({{"k0", R"({"a":1})"}, {"k1", R"({"a":2})"}, {"k2", R"({"a":3})"}}));
  b.add(R"({"a":4})");
  b.finish();
  auto p = plan(kKpl);
  EncodedBatch out;
  encode_both(b, p, out);
  EXPECT_EQ(to_hex(out.body),
            "00000000" "026b30" "01"
            "01000000" "026b31" "02"
            "02000000" "026b32" "03"
            "00000000" "056f75746572" "04");
  EXPECT_EQ(out.rows, (std::vector<uint32_t>{0, 0, 0, 1}));
  EXPECT_EQ(out.sub_sequences, (std::vector<uint64_t>{0, 1, 2, 0}));
}

TEST(PayloadStage, ABadUserRecordIsDeadLetteredWithItsKeyAndSubSequence) {
  Batch b;
  b.add(kpl_aggregate({{"k0", R"({"a":1})"}, {"k1", R"({"a":999})"}, {"k2", "nope"}}));
  b.finish();
  EncodedBatch out;
  encode_both(b, plan(kKpl), out);
  EXPECT_EQ(out.rows, (std::vector<uint32_t>{0}));
  ASSERT_EQ(out.dead_letters.size(), 2u);
  EXPECT_EQ(out.dead_letters[0].code, ErrorCode::value_rejected);
  EXPECT_EQ(out.dead_letters[0].sub_sequence, 1u);
  EXPECT_EQ(out.dead_letters[0].partition_key, "k1");
  EXPECT_EQ(out.dead_letters[0].raw, R"({"a":999})");
  EXPECT_EQ(out.dead_letters[1].code, ErrorCode::invalid_json);
  EXPECT_EQ(out.dead_letters[1].sub_sequence, 2u);
  EXPECT_EQ(out.dead_letters[1].raw, "nope");
}

TEST(PayloadStage, AZeroRecordAggregateYieldsNothingAndAWrongMd5IsOnePayload) {
  Batch b;
  b.add(kpl_aggregate({}));
  std::string bad = kpl_aggregate({{"k", R"({"a":1})"}});
  bad.back() ^= 1;
  b.add(bad);
  b.finish();
  EncodedBatch out;
  encode_both(b, plan(kKpl), out);
  EXPECT_TRUE(out.rows.empty());
  ASSERT_EQ(out.dead_letters.size(), 1u);
  EXPECT_EQ(out.dead_letters[0].record, 1u);
  EXPECT_EQ(out.dead_letters[0].code, ErrorCode::invalid_json);
  EXPECT_EQ(out.dead_letters[0].raw, bad);
}

// --- compression -------------------------------------------------------

using testing::deflated;

const std::vector<ColumnInfo> kRaw = {{"a", "Int8", "", ""}, {"_raw", "String", "", ""}};

TEST(PayloadStage, GzipAndZlibPayloadsAreInflatedAndRawHoldsTheInflatedBytes) {
  Batch b;
  b.add(deflated(R"({"a":5})", 16 + MAX_WBITS));
  b.add(deflated(R"({"a":6})", MAX_WBITS));
  b.finish();
  EncodedBatch out;
  encode_both(b, plan(kRaw), out);
  EXPECT_EQ(to_hex(out.body), "05" "077b2261223a357d" "06" "077b2261223a367d");
}

TEST(PayloadStage, CorruptGzipIsInvalidCompressionAndABombIsTooLarge) {
  Batch b;
  std::string g = deflated(R"({"a":5})", 16 + MAX_WBITS);
  g.resize(g.size() - 4);
  b.add(g);
  b.add(deflated(std::string(17u << 20, ' '), 16 + MAX_WBITS));
  b.finish();
  EncodedBatch out;
  encode_both(b, plan(kRaw), out);
  ASSERT_EQ(out.dead_letters.size(), 2u);
  EXPECT_EQ(out.dead_letters[0].code, ErrorCode::invalid_compression);
  EXPECT_EQ(out.dead_letters[0].raw, g);  // the compressed bytes
  EXPECT_EQ(out.dead_letters[1].code, ErrorCode::payload_too_large);
}

TEST(PayloadStage, ZlibLookingTextThatDoesNotInflateIsTakenAsItIs) {
  Batch b;
  b.add("x\x01 is text");  // 0x78 0x01: a valid zlib header
  b.finish();
  EncodedBatch out;
  encode_both(b, plan(kRaw), out);
  ASSERT_EQ(out.dead_letters.size(), 1u);
  EXPECT_EQ(out.dead_letters[0].code, ErrorCode::invalid_json);
  EXPECT_EQ(out.dead_letters[0].raw, "x\x01 is text");
}

// --- CloudWatch Logs ---------------------------------------------------

std::string log_message(std::string_view type, std::string_view events) {
  return deflated(std::string(R"({"messageType":")") + std::string(type) +
                          R"(","owner":"123","logGroup":"/aws/lambda/f","logStream":"2024/s",)"
                          R"("subscriptionFilters":["x"],"logEvents":[)" + std::string(events) + "]}",
                      16 + MAX_WBITS);
}

const std::vector<ColumnInfo> kLogs = {{"_log_group", "String", "", ""},
                                       {"_log_event_id", "String", "", ""},
                                       {"_log_timestamp", "DateTime64(3)", "", ""},
                                       {"_message", "String", "", ""},
                                       {"level", "Nullable(String)", "", ""}};

TEST(PayloadStage, LogEventsAreRowsAndStructuredMessagesFillColumns) {
  Batch b;
  b.add(log_message("DATA_MESSAGE",
                    R"({"id":"e1","timestamp":1700000000123,"message":"START RequestId: 1"},)"
                    R"({"id":"e2","timestamp":1700000000124,"message":"{\"level\":\"ERROR\"}"})"));
  b.add(log_message("CONTROL_MESSAGE", R"({"id":"c","timestamp":1,"message":"health check"})"));
  b.finish();
  EncodedBatch out;
  encode_both(b, plan(kLogs), out);
  EXPECT_EQ(out.rows, (std::vector<uint32_t>{0, 0}));
  EXPECT_EQ(out.control_messages, 1u);
  EXPECT_TRUE(out.dead_letters.empty());
  // _log_group, _log_event_id, _log_timestamp (ms, Int64), _message, level
  EXPECT_EQ(to_hex(out.body),
            "0d2f6177732f6c616d6264612f66" "026531" "7b68e5cf8b010000"
            "125354415254205265717565737449643a2031" "01"
            "0d2f6177732f6c616d6264612f66" "026532" "7c68e5cf8b010000"
            "117b226c6576656c223a224552524f52227d" "00054552524f52");
}

// --- text routes and table_field ---------------------------------------

TEST(PayloadStage, ATextRouteNeverParsesJson) {
  Batch b;
  b.add(R"({"a":1})");
  b.add("a log line");
  b.finish();
  EncodedBatch out;
  EncodeOptions text;
  text.text = true;
  encode_both(b, plan(kRaw), out, text);
  EXPECT_EQ(to_hex(out.body), "00" "077b2261223a317d" "00" "0a61206c6f67206c696e65");
}

TEST(PayloadStage, TableFieldSendsEachPayloadToTheTableItNames) {
  Batch b;
  b.add(R"({"kind":"clicks","a":1})");
  b.add(R"({"kind":"orders","a":2})");
  b.add(R"({"kind":"not a table","a":3})");
  b.add("bad json");
  b.add(R"({"a":5})");
  b.finish();
  EncodeOptions o;
  o.table_field = "kind";
  o.default_table = "events";
  BatchEncoder enc;
  EXPECT_EQ(enc.tables_of(b.records, b.which, o), (std::vector<std::string>{"clicks", "orders", "events"}));
  auto p = plan({{"a", "Int8", "", ""}});
  auto rows_of = [&](std::string_view table) {
    o.table = table;
    EncodedBatch out;
    encode_both(b, p, out, o);
    std::vector<uint32_t> dead;
    for (const auto& d : out.dead_letters) dead.push_back(d.record);
    return std::make_pair(out.rows, dead);
  };
  EXPECT_EQ(rows_of("clicks"), std::make_pair(std::vector<uint32_t>{0}, std::vector<uint32_t>{}));
  EXPECT_EQ(rows_of("orders"), std::make_pair(std::vector<uint32_t>{1}, std::vector<uint32_t>{}));
  EXPECT_EQ(rows_of("events"), std::make_pair(std::vector<uint32_t>{2, 4}, std::vector<uint32_t>{3}));
}

}  // namespace
}  // namespace k2c
