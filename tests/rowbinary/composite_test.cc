// Array, Map, Tuple, Nullable and LowCardinality: the wrappers of SPEC §4.
//
// Layouts (ClickHouse docs, "RowBinary" > "Data types wire format",
// https://clickhouse.com/docs/reference/formats/RowBinary/RowBinary.md):
//  - Array(T): unsigned LEB128 element count, then the elements (hosted by
//    18.16: the server oracle compares it).
//  - Map(K, V): LEB128 count of pairs, then key, value, key, value... (the
//    page's "Map" section: encoded as Array(Tuple(K, V))). Not hostable by 18.16.
//  - Tuple(T1, ..., Tn): the elements one after another, no header (18.16).
//  - Nullable(T): one byte, 1 = NULL (nothing follows), 0 = a value of T
//    follows (18.16).
//  - LowCardinality(T): exactly T in RowBinary ("LowCardinality" section: the
//    dictionary encoding is a Native-format matter).
#include <gtest/gtest.h>

#include <string>

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using testing::Case;

class CompositeEncoding : public ::testing::TestWithParam<Case> {};
TEST_P(CompositeEncoding, MatchesRowBinary) { testing::expect_case(GetParam()); }

const Case kArrays[] = {
    {"Array(Int8)", "[]", "00"},
    {"Array(Int8)", "[1,2,3]", "03010203"},
    {"Array(Int8)", "[ 1 , \"2\" , 3.0 ]", "03010203"},  // elements by Int8's rules
    {"Array(Int8)", "null", "00"},
    {"Array(Int8)", "[1,300]", nullptr},
    {"Array(Int8)", "[1,\"x\"]", nullptr},
    {"Array(Int8)", "1", nullptr},
    {"Array(Int8)", "\"[1]\"", nullptr},
    {"Array(Int8)", "{}", nullptr},
    {"Array(Int8)", "true", nullptr},
    {"Array(Nullable(Int8))", "[1,null]", "02000101"},
    {"Array(Int8)", "[1,null]", "020100"},  // null element of a non-Nullable type: zero
    {"Array(Array(UInt8))", "[[1],[],[2,3]]", "03010100020203"},
    {"Array(String)", "[\"a\",{\"b\":1},[2]]", "030161077b2262223a317d035b325d"},
    {"Array(Tuple(Int8, String))", "[[1,\"a\"],[2]]", nullptr},
    {"Array(LowCardinality(String))", "[\"x\"]", "010178"},
};
INSTANTIATE_TEST_SUITE_P(Array, CompositeEncoding, ::testing::ValuesIn(kArrays));

TEST(ArrayEncoding, WritesCountAsLeb128) {
  std::string json = "[";
  for (int i = 0; i < 130; ++i) json += (i ? ",7" : "7");
  json += "]";
  auto r = testing::encode_json("Array(UInt8)", json);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.hex.substr(0, 4), "8201");  // 130 = 0x02 | 0x80, then 1
  EXPECT_EQ(r.hex.size(), 2 * (2 + 130u));
}

const Case kMaps[] = {
    {"Map(String, UInt8)", "{}", "00"},
    {"Map(String, UInt8)", "{\"a\":1,\"b\":2}", "02016101016202"},
    {"Map(String, UInt8)", "{\"a\\nb\":1}", "0103610a6201"},
    {"Map(String, String)", "{\"a\":\"1\",\"a\":\"2\"}", "020161013101610132"},  // kept as sent
    {"Map(String, UInt8)", "null", "00"},
    {"Map(String, UInt8)", "{\"a\":300}", nullptr},
    {"Map(String, UInt8)", "{\"a\":1,\"b\":\"x\"}", nullptr},
    {"Map(String, UInt8)", "[]", nullptr},
    {"Map(String, UInt8)", "[[\"a\",1]]", nullptr},
    {"Map(String, UInt8)", "\"x\"", nullptr},
    {"Map(String, UInt8)", "1", nullptr},
    // Keys by K's rules, from their text.
    {"Map(Int32, String)", "{\"1\":\"x\",\"-2\":\"y\"}", "02010000000178feffffff0179"},
    {"Map(Int32, String)", "{\"x\":\"y\"}", nullptr},
    {"Map(Int32, String)", "{\"1.5\":\"y\"}", nullptr},
    {"Map(UInt8, UInt8)", "{\"256\":1}", nullptr},
    {"Map(Bool, UInt8)", "{\"true\":1,\"false\":0,\"1\":1}", "03010100000101"},
    {"Map(Bool, UInt8)", "{\"yes\":1}", nullptr},
    {"Map(DateTime, UInt8)", "{\"1700000000\":1}", "0100f1536501"},
    {"Map(DateTime, UInt8)", "{\"2023-11-14 22:13:20\":1}", "0100f1536501"},
    {"Map(Enum8('a' = 1, 'b' = 2), UInt8)", "{\"b\":5,\"1\":6}", "0202050106"},
    {"Map(Enum8('a' = 1), UInt8)", "{\"3\":5}", nullptr},
    {"Map(FixedString(2), UInt8)", "{\"12\":1}", "01313201"},
    {"Map(FixedString(2), UInt8)", "{\"123\":1}", nullptr},
    {"Map(UUID, UInt8)", "{\"00112233-4455-6677-8899-aabbccddeeff\":1}",
     "017766554433221100ffeeddccbbaa998801"},
    {"Map(LowCardinality(String), Array(Nullable(Int8)))", "{\"k\":[null,1]}", "01016b02010001"},
    {"Map(String, Array(Int8))", "{\"a\":[1],\"b\":[\"x\"]}", nullptr},
};
INSTANTIATE_TEST_SUITE_P(Map, CompositeEncoding, ::testing::ValuesIn(kMaps));

const Case kTuples[] = {
    {"Tuple(Int8, String)", "[1,\"x\"]", "010178"},
    {"Tuple(Int8, String)", "[1]", nullptr},  // wrong arity
    {"Tuple(Int8, String)", "[1,\"x\",3]", nullptr},
    {"Tuple(Int8, String)", "[]", nullptr},
    {"Tuple(Int8, String)", "{\"1\":1}", nullptr},  // no names to match
    {"Tuple(Int8, String)", "[300,\"x\"]", nullptr},
    {"Tuple(Int8, String)", "1", nullptr},
    {"Tuple(Int8, String)", "\"x\"", nullptr},
    {"Tuple(Int8, String)", "null", "0000"},                         // zero of each element
    {"Tuple(a Int8, b String)", "[2,\"y\"]", "020179"},              // by position
    {"Tuple(a Int8, b String)", "{\"b\":\"x\",\"a\":1}", "010178"},  // by name, any order
    {"Tuple(a Int8, b String)", "{\"a\":1,\"zzz\":[5]}", "0100"},  // unknown ignored, missing zero
    {"Tuple(a Int8, b String)", "{}", "0000"},
    {"Tuple(a Int8, b String)", "{\"a\":300}", nullptr},
    {"Tuple(a Int8, b String)", "{\"zzz\":\"not checked\",\"a\":\"x\"}", nullptr},
    {"Tuple(a Nullable(Int8), b Array(UInt8))", "{\"b\":[1]}", "010101"},  // missing Nullable: NULL
    {"Tuple(a Nullable(Int8), b Array(UInt8))", "{\"a\":null,\"b\":null}", "0100"},
    {"Tuple(a Int8, b Tuple(c String, d UInt8))", "{\"b\":{\"d\":7}}", "000007"},
    {"Tuple(a Int8, b Tuple(c String, d UInt8))", "[1,[\"c\",2]]", "01016302"},
    {"Tuple(`x y` UInt8)", "{\"x y\":9}", "09"},
    {"Array(Tuple(a UInt8, b UInt8))", "[{\"b\":2},{\"a\":1}]", "0200020100"},
};
INSTANTIATE_TEST_SUITE_P(Tuple, CompositeEncoding, ::testing::ValuesIn(kTuples));

const Case kNullables[] = {
    {"Nullable(Int32)", "null", "01"},
    {"Nullable(Int32)", "7", "0007000000"},
    {"Nullable(Int32)", "\"7\"", "0007000000"},
    {"Nullable(Int32)", "\"x\"", nullptr},
    {"Nullable(Int8)", "300", nullptr},
    {"Nullable(String)", "\"\"", "0000"},
    {"Nullable(String)", "[1]", "00035b315d"},
    {"Nullable(String)", "{\"a\":null}", "000a7b2261223a6e756c6c7d"},
    {"Nullable(UUID)", "null", "01"},
    {"Nullable(DateTime64(3))", "\"2023-11-14 22:13:20.123\"", "007b68e5cf8b010000"},
    {"Nullable(Decimal(9, 2))", "1.5", "0096000000"},
    {"Nullable(Enum8('a' = 1))", "\"b\"", nullptr},
    {"Nullable(Bool)", "true", "0001"},
    {"Nullable(FixedString(2))", "\"abc\"", nullptr},
    {"LowCardinality(Nullable(String))", "null", "01"},
    {"LowCardinality(Nullable(String))", "\"x\"", "000178"},
    {"LowCardinality(UInt64)", "1", "0100000000000000"},
    {"LowCardinality(FixedString(2))", "\"a\"", "6100"},
    {"LowCardinality(String)", "null", "00"},
};
INSTANTIATE_TEST_SUITE_P(Nullable, CompositeEncoding, ::testing::ValuesIn(kNullables));

}  // namespace
}  // namespace k2c
