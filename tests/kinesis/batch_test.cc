// The pure batch encoder: records + plan -> RowBinary bytes and outcomes.
#include "kinesis/batch.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/support/record_batch.h"

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using Fixture = testing::RecordBatch;

TablePlan plan(std::vector<ColumnInfo> columns) {
  auto p = TablePlan::build(columns);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return std::move(p).value();
}

const std::vector<ColumnInfo> kColumns = {
    {"a", "Int32", "", ""},
    {"b", "String", "", ""},
    {"n", "Nullable(UInt8)", "", ""},
    {"m", "String", "MATERIALIZED", "upper(b)"},
    {"d", "UInt8", "DEFAULT", "7"},
    {"_sequence_number", "String", "", ""},
};

TEST(BatchEncoder, WritesColumnsInTableOrderWhateverTheKeyOrder) {
  Fixture f;
  f.add(R"({"b":"x","unknown":[1,{"z":2}],"a":1})");
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  auto p = plan(kColumns);
  enc.encode(f.records, f.which, p, false, out);
  ASSERT_TRUE(out.dead_letters.empty());
  // a=1, b="x", n=NULL, d left out (no record has it), _sequence_number="1".
  EXPECT_EQ(testing::to_hex(out.body), "01000000" "0178" "01" "0131");
  EXPECT_EQ(out.included, (std::vector<uint32_t>{0, 1, 2, 4}));  // m is never sent
  EXPECT_STREQ(out.format(), "RowBinary");
}

TEST(BatchEncoder, SendsADefaultColumnWhenSomeRecordProvidesIt) {
  Fixture f;
  f.add(R"({"a":1})");
  f.add(R"({"a":2,"d":9})");
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  auto p = plan(kColumns);
  enc.encode(f.records, f.which, p, false, out);
  EXPECT_EQ(out.included, (std::vector<uint32_t>{0, 1, 2, 3, 4}));
  // Row 1 has no d: the zero value, as the column is in the insert.
  EXPECT_EQ(testing::to_hex(out.body),
            "01000000" "00" "01" "00" "0131"
            "02000000" "00" "01" "09" "0132");
}

// Servers before 23.7 (the column-set path): a DEFAULT column that only a
// dead-lettered record names stays out of the insert, so the good rows get
// the server's DEFAULT, not the zero value.
TEST(BatchEncoder, ADefaultColumnNamedOnlyByARejectedRecordIsLeftOut) {
  Fixture f;
  f.add(R"({"a":1})");
  f.add(R"({"a":"x","d":9})");  // a is rejected
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  auto p = plan(kColumns);
  enc.encode(f.records, f.which, p, false, out);
  EXPECT_EQ(out.rows, (std::vector<uint32_t>{0}));
  ASSERT_EQ(out.dead_letters.size(), 1u);
  EXPECT_EQ(out.included, (std::vector<uint32_t>{0, 1, 2, 4}));
  EXPECT_EQ(testing::to_hex(out.body), "01000000" "00" "01" "0131");
}

// A DEFAULT column's value is checked even in a pass that leaves the column
// out: the record is dead-lettered, and the column stays out for the others.
TEST(BatchEncoder, ARejectedDefaultValueLeavesItsColumnOut) {
  Fixture f;
  f.add(R"({"a":1})");
  f.add(R"({"a":2,"d":"x"})");
  f.add(R"({"a":3,"d":300})");
  f.finish();
  for (bool fast_lane : {true, false}) {
    BatchEncoder enc;
    enc.set_fast_lane(fast_lane);
    EncodedBatch out;
    auto p = plan(kColumns);
    enc.encode(f.records, f.which, p, false, out);
    EXPECT_EQ(out.rows, (std::vector<uint32_t>{0})) << fast_lane;
    ASSERT_EQ(out.dead_letters.size(), 2u) << fast_lane;
    EXPECT_EQ(out.dead_letters[0].code, ErrorCode::value_rejected);
    EXPECT_EQ(out.included, (std::vector<uint32_t>{0, 1, 2, 4})) << fast_lane;
    EXPECT_EQ(testing::to_hex(out.body), "01000000" "00" "01" "0131") << fast_lane;
    EXPECT_FALSE(out.internal_error.has_value()) << out.internal_error->message;
  }
}

// Rows providing some DEFAULT columns, rejected records naming others, a
// null: the column set holds exactly the DEFAULT columns the rows provide.
TEST(BatchEncoder, ColumnSetHoldsExactlyTheDefaultColumnsOfTheRows) {
  auto p = plan({{"a", "Int8", "", ""},
                 {"d1", "Int8", "DEFAULT", "1"},
                 {"d2", "Int8", "DEFAULT", "2"},
                 {"d3", "Int8", "DEFAULT", "3"},
                 {"d4", "Int8", "DEFAULT", "4"}});
  Fixture f;
  f.add(R"({"a":1,"d3":3})");
  f.add(R"({"a":"bad","d1":1})");
  f.add(R"({"a":2,"d2":2,"d4":"bad"})");
  f.add(R"({"a":3,"d2":5})");
  f.add(R"({"a":4,"d4":null})");
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  enc.encode(f.records, f.which, p, false, out);
  EXPECT_FALSE(out.internal_error.has_value()) << out.internal_error->message;
  EXPECT_EQ(out.rows, (std::vector<uint32_t>{0, 3, 4}));
  EXPECT_EQ(out.included, (std::vector<uint32_t>{0, 2, 3}));  // a, d2, d3
  EXPECT_EQ(testing::to_hex(out.body), "010003" "030500" "040000");
}

TEST(BatchEncoder, WithDefaultsMarksMissingValues) {
  Fixture f;
  f.add(R"({"a":null,"b":"x"})");
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  auto p = plan(kColumns);
  enc.encode(f.records, f.which, p, true, out);
  EXPECT_EQ(out.included.size(), 5u);
  // a: default (01); b: 00 + "x"; n: 00 + NULL; d: default; seq: 00 + "1".
  EXPECT_EQ(testing::to_hex(out.body), "01" "000178" "0001" "01" "000131");
  EXPECT_STREQ(out.format(), "RowBinaryWithDefaults");
}

TEST(BatchEncoder, DeadLettersEachBadKindAndKeepsTheGoodRows) {
  Fixture f;
  f.add(R"({"a":1})");
  f.add("%%%", false);
  f.add("not json");
  f.add("[1]");
  f.add(R"({"a":"x"})");
  f.add(R"({"a":2} extra)");
  f.add(std::string(100000, '[') + std::string(100000, ']'));
  f.add(R"({"a":3})");
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  auto p = plan(kColumns);
  enc.encode(f.records, f.which, p, false, out);
  EXPECT_EQ(out.rows, (std::vector<uint32_t>{0, 7}));
  ASSERT_EQ(out.dead_letters.size(), 6u);
  std::vector<std::string> codes;
  for (const auto& d : out.dead_letters) codes.push_back(to_string(d.code));
  // 100,000 levels of nesting (simdjson's default limit is 1,024): dead-lettered, never a crash.
  EXPECT_EQ(codes, (std::vector<std::string>{"invalid_base64", "invalid_json", "not_an_object",
                                             "value_rejected", "invalid_json", "not_an_object"}));
  EXPECT_EQ(out.dead_letters[0].raw, "%%%");
  EXPECT_EQ(out.dead_letters[2].raw, "[1]");
  EXPECT_EQ(out.dead_letters[3].message, "column `a`: expected an integer for Int32, got \"x\"");
}

TEST(BatchEncoder, PayloadOverOneMebibyteIsDeadLettered) {
  Fixture f;
  f.add(R"({"b":")" + std::string(kMaxPayloadBytes, 'x') + R"("})");
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  auto p = plan(kColumns);
  enc.encode(f.records, f.which, p, false, out);
  ASSERT_EQ(out.dead_letters.size(), 1u);
  EXPECT_EQ(out.dead_letters[0].code, ErrorCode::payload_too_large);
  EXPECT_TRUE(out.body.empty());
}

// simdjson ondemand skips and raw-copies nested values iteratively (no depth
// limit there); our encoders recurse only as deep as the column type. Deep
// nesting is valid JSON: stored as text in a String column, ignored under an
// unknown key, rejected where the type wants a scalar; never a crash.
TEST(BatchEncoder, DeepNestingIsHandledWithoutRecursion) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  Fixture f;
  f.add(R"({"a":1,"b":)" + deep + "}");
  f.add(R"({"a":1,"zz":)" + deep + "}");
  f.add(R"({"a":)" + deep + "}");
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  auto p = plan(kColumns);
  enc.encode(f.records, f.which, p, false, out);
  EXPECT_EQ(out.rows, (std::vector<uint32_t>{0, 1}));
  ASSERT_EQ(out.dead_letters.size(), 1u);
  EXPECT_EQ(out.dead_letters[0].code, ErrorCode::value_rejected);
}

TEST(BatchEncoder, InvalidUtf8IsInvalidJson) {
  Fixture f;
  f.add("{\"b\":\"\xff\xfe\"}");
  f.finish();
  BatchEncoder enc;
  EncodedBatch out;
  auto p = plan(kColumns);
  enc.encode(f.records, f.which, p, false, out);
  ASSERT_EQ(out.dead_letters.size(), 1u);
  EXPECT_EQ(out.dead_letters[0].code, ErrorCode::invalid_json);
}

TEST(BatchEncoder, SameInputSameBytes) {
  Fixture f;
  f.add(R"({"a":1,"d":3,"b":"q"})");
  f.add(R"({"a":"x"})");
  f.add(R"({"b":"z"})");
  f.finish();
  auto p = plan(kColumns);
  BatchEncoder e1, e2;
  EncodedBatch o1, o2, o3;
  e1.encode(f.records, f.which, p, false, o1);
  e2.encode(f.records, f.which, p, false, o2);
  e1.encode(f.records, f.which, p, false, o3);  // reused encoder
  EXPECT_EQ(o1.body, o2.body);
  EXPECT_EQ(o1.body, o3.body);
  EXPECT_EQ(o1.included, o3.included);
}

TEST(BatchEncoder, MetadataColumnsTakeTheRecordsFields) {
  Fixture f;
  f.add(R"({"_stream_arn":"ignored"})");
  f.finish();
  auto p = plan({{"_stream_arn", "String", "", ""},
                 {"_shard_id", "String", "", ""},
                 {"_partition_key", "LowCardinality(String)", "", ""},
                 {"_approximate_arrival_timestamp", "DateTime64(3)", "", ""}});
  BatchEncoder enc;
  EncodedBatch out;
  enc.encode(f.records, f.which, p, false, out);
  ASSERT_TRUE(out.dead_letters.empty());
  // "arn:s", "shard-1", "pk", 1700000000500 ms.
  EXPECT_EQ(testing::to_hex(out.body), "0561726e3a73" "0773686172642d31" "02706b" "f469e5cf8b010000");
}

// One encoder serves every table, and a plan is rebuilt after a failed
// insert, a TTL expiry or a dropped column: the key-position hints learnt on
// a 40-column plan must not be used as column indexes of a 1-column plan.
TEST(BatchEncoder, KeyHintsFromAWiderPlanAreNotUsedOnANarrowerOne) {
  std::vector<ColumnInfo> wide_columns;
  std::string wide_record = "{";
  for (int c = 0; c < 40; ++c) {
    wide_columns.push_back({"c" + std::to_string(c), "UInt8", "", ""});
    wide_record += (c ? ",\"c" : "\"c") + std::to_string(c) + "\":" + std::to_string(c);
  }
  wide_record += "}";
  Fixture wide, narrow;
  wide.add(wide_record);
  wide.finish();
  narrow.add(R"({"c0":5,"c1":6,"c39":7})");
  narrow.finish();
  auto wide_plan = plan(wide_columns);
  BatchEncoder enc;
  EncodedBatch out;
  enc.encode(wide.records, wide.which, wide_plan, false, out);
  ASSERT_EQ(out.rows.size(), 1u);
  auto narrow_plan = plan({{"c0", "UInt8", "", ""}});
  enc.encode(narrow.records, narrow.which, narrow_plan, false, out);
  ASSERT_TRUE(out.dead_letters.empty());
  EXPECT_EQ(testing::to_hex(out.body), "05");
  EXPECT_EQ(out.included, (std::vector<uint32_t>{0}));
}

// is_payload_column answers exactly as find_payload_column, for keys read
// from a padded buffer (garbage after the key must not matter).
TEST(TablePlan, IsPayloadColumnAgreesWithTheLookup) {
  auto p = TablePlan::build({{"a", "UInt8", "", ""},
                             {"sixteen_chars_ab", "UInt8", "", ""},
                             {"seventeen_chars_a", "UInt8", "", ""},
                             {"_partition_key", "String", "", ""},
                             {"a", "UInt16", "", ""},
                             {"", "UInt8", "", ""}});
  ASSERT_TRUE(p.ok()) << p.error().message;
  const char* keys[] = {"a", "b", "", "ab", "sixteen_chars_ab", "sixteen_chars_aX", "sixteen_chars_a",
                        "seventeen_chars_a", "seventeen_chars_b", "_partition_key", "A"};
  for (const char* k : keys) {
    // The key followed by bytes that extend it, as in a payload buffer.
    std::string buffer = std::string(k) + "bcdefghijklmnopqrstuvwxyz0123456789";
    const std::string_view key(buffer.data(), std::strlen(k));
    const int found = p->find_payload_column(key);
    for (size_t c = 0; c < p->columns().size(); ++c)
      EXPECT_EQ(p->is_payload_column(c, key), found == static_cast<int>(c)) << "key '" << k << "' column " << c;
  }
  EXPECT_EQ(p->find_payload_column("a"), 0);  // the first of two columns named "a"
  EXPECT_EQ(p->find_payload_column("_partition_key"), -1);  // metadata, not payload
}

// A column index from another plan (a caller's stale hint) is no column.
TEST(TablePlan, IsPayloadColumnIsFalsePastTheLastColumn) {
  auto p = plan({{"a", "UInt8", "", ""}});
  const std::string buffer = "a" + std::string(31, 'x');
  const std::string_view key(buffer.data(), 1);
  EXPECT_TRUE(p.is_payload_column(0, key));
  EXPECT_FALSE(p.is_payload_column(1, key));
  EXPECT_FALSE(p.is_payload_column(39, key));
}

TEST(TablePlan, UnknownTypeNamesColumnAndType) {
  auto p = TablePlan::build({{"geo", "Point", "", ""}});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("geo"), std::string::npos);
  EXPECT_NE(p.error().message.find("Point"), std::string::npos);
}

TEST(TablePlan, NamesTheFirstColumnThatNeedsJsonAsString) {
  auto p = TablePlan::build({{"id", "UInt32", "", ""},
                             {"legacy", "Object('json')", "", ""},
                             {"tags", "Array(JSON(max_dynamic_paths=8))", "", ""},
                             {"doc", "JSON", "", ""}});
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_NE(p->needs_json_as_string(), nullptr);
  EXPECT_EQ(p->needs_json_as_string()->name, "tags");
  auto plain = TablePlan::build({{"legacy", "Object('json')", "", ""}, {"d", "Dynamic", "", ""}});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->needs_json_as_string(), nullptr) << "Object('json') takes its text without it";
}

}  // namespace
}  // namespace k2c
