// String, FixedString, UUID, IPv4, IPv6 and Enum8/16: SPEC §4 forms and
// exact RowBinary bytes.
//
// Layouts (ClickHouse docs, "RowBinary" > "Data types wire format",
// https://clickhouse.com/docs/reference/formats/RowBinary/RowBinary.md):
//  - String: unsigned LEB128 length, then the bytes. FixedString(N): N bytes,
//    zero-padded. (Both hosted by 18.16: the server oracle compares them.)
//  - UUID: the high 64 bits then the low 64 bits, each little-endian
//    (ClickHouse stores a UUID as a UInt128 of two UInt64 halves; clickhouse-cpp
//    ClickHouse/clickhouse-cpp clickhouse/columns/uuid.h keeps it as a pair of
//    uint64). Checked against 18.16 by the server oracle.
//  - IPv4: the address as a UInt32, little-endian ("IPv4" section: 127.0.0.1 is
//    01 00 00 7f). Not hostable by 18.16.
//  - IPv6: 16 bytes in network (big-endian) order ("IPv6" section). Not
//    hostable by 18.16.
//  - Enum8/Enum16: the Int8/Int16 value, little-endian. RowBinary does not
//    check it, so the encoder accepts only defined names and numbers.
// The Enum default (null in a non-Nullable Enum column) is the smallest value,
// as ClickHouse's own DataTypeEnum::getDefault() (values sorted by value, front;
// ClickHouse/ClickHouse src/DataTypes/DataTypeEnum.cpp).
#include <gtest/gtest.h>

#include <string>

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using testing::Case;

class TextEncoding : public ::testing::TestWithParam<Case> {};
TEST_P(TextEncoding, MatchesRowBinary) { testing::expect_case(GetParam()); }

const Case kStrings[] = {
    {"String", "\"\"", "00"},
    {"String", "\"abc\"", "03616263"},
    {"String", "\"a\\\"b\\\\c\\n\"", "066122625c630a"},  // unescaped
    {"String", "\"h\\u00e9\"", "0368c3a9"},
    {"String", "\"\\ud83d\\ude00\"", "04f09f9880"},  // surrogate pair -> UTF-8
    {"String", "\"a\\u0000b\"", "03610062"},
    {"String", "null", "00"},
    // Other JSON: its text exactly as written, without surrounding whitespace.
    {"String", "12.50", "0531322e3530"},
    {"String", "-1e+5", "052d31652b35"},
    {"String", "0", "0130"},
    {"String", "false", "0566616c7365"},
    {"String", "[ 1 , \"a\" ]", "0b5b2031202c20226122205d"},
    {"String", "{\"a\": [1, {\"b\": null}]}", "177b2261223a205b312c207b2262223a206e756c6c7d5d7d"},
    {"String", "  [1,2]  ", "055b312c325d"},
    {"LowCardinality(String)", "\"abc\"", "03616263"},
};
INSTANTIATE_TEST_SUITE_P(String, TextEncoding, ::testing::ValuesIn(kStrings));

TEST(StringEncoding, WritesLengthAsLeb128) {
  std::string json = "\"" + std::string(200, 'x') + "\"";
  auto r = testing::encode_json("String", json);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.hex.substr(0, 4), "c801");  // 200 = 0x48 | 0x80, then 1
  EXPECT_EQ(r.hex.size(), 2 * (2 + 200u));

  std::string big = "\"" + std::string(16384, 'y') + "\"";
  auto b = testing::encode_json("String", big);
  ASSERT_TRUE(b.ok);
  EXPECT_EQ(b.hex.substr(0, 6), "808001");  // 2^14
}

const Case kFixedStrings[] = {
    {"FixedString(4)", "\"ab\"", "61620000"},
    {"FixedString(4)", "\"abcd\"", "61626364"},
    {"FixedString(4)", "\"\"", "00000000"},
    {"FixedString(4)", "\"\\u00e9\"", "c3a90000"},  // bytes, not characters
    {"FixedString(4)", "null", "00000000"},
    {"FixedString(4)", "\"abcde\"", nullptr},
    {"FixedString(4)", "\"\\u00e9\\u00e9\\u00e9\"", nullptr},
    {"FixedString(4)", "12", nullptr},
    {"FixedString(4)", "true", nullptr},
    {"FixedString(4)", "[]", nullptr},
    {"FixedString(1)", "\"\\u0000\"", "00"},
    {"FixedString(16)", "\"0123456789abcdef\"", "30313233343536373839616263646566"},
};
INSTANTIATE_TEST_SUITE_P(FixedString, TextEncoding, ::testing::ValuesIn(kFixedStrings));

const Case kUuids[] = {
    {"UUID", "\"00112233-4455-6677-8899-aabbccddeeff\"", "7766554433221100ffeeddccbbaa9988"},
    {"UUID", "\"00112233-4455-6677-8899-AABBCCDDEEFF\"", "7766554433221100ffeeddccbbaa9988"},
    {"UUID", "\"00112233-4455-6677-8899-AaBbCcDdEeFf\"", "7766554433221100ffeeddccbbaa9988"},
    {"UUID", "\"00000000-0000-0000-0000-000000000000\"", "00000000000000000000000000000000"},
    {"UUID", "null", "00000000000000000000000000000000"},
    {"UUID", "\"00112233445566778899aabbccddeeff\"", nullptr},
    {"UUID", "\"{00112233-4455-6677-8899-aabbccddeeff}\"", nullptr},
    {"UUID", "\"00112233-4455-6677-8899-aabbccddeef\"", nullptr},
    {"UUID", "\"00112233-4455-6677-8899-aabbccddeeff0\"", nullptr},
    {"UUID", "\"0011223-34455-6677-8899-aabbccddeeff\"", nullptr},
    {"UUID", "\"00112233-4455-6677-8899-aabbccddeefg\"", nullptr},
    {"UUID", "\"00112233-4455-6677-8899+aabbccddeeff\"", nullptr},
    {"UUID", "\" 0112233-4455-6677-8899-aabbccddeeff\"", nullptr},
    {"UUID", "\"\"", nullptr},
    {"UUID", "0", nullptr},
    {"UUID", "[]", nullptr},
};
INSTANTIATE_TEST_SUITE_P(Uuid, TextEncoding, ::testing::ValuesIn(kUuids));

const Case kIps[] = {
    {"IPv4", "\"1.2.3.4\"", "04030201"},
    {"IPv4", "\"127.0.0.1\"", "0100007f"},
    {"IPv4", "\"192.168.0.1\"", "0100a8c0"},
    {"IPv4", "\"255.255.255.255\"", "ffffffff"},
    {"IPv4", "\"0.0.0.0\"", "00000000"},
    {"IPv4", "null", "00000000"},
    {"IPv4", "\"256.1.1.1\"", nullptr},
    {"IPv4", "\"1.2.3\"", nullptr},
    {"IPv4", "\"1.2.3.4.5\"", nullptr},
    {"IPv4", "\"01.2.3.4\"", nullptr},
    {"IPv4", "\"1.2.3.4 \"", nullptr},
    {"IPv4", "\"1..2.3\"", nullptr},
    {"IPv4", "\"1.2.3.-4\"", nullptr},
    {"IPv4", "\"1234.1.1.1\"", nullptr},
    {"IPv4", "\"::1\"", nullptr},
    {"IPv4", "\"\"", nullptr},
    {"IPv4", "16909060", nullptr},
    {"IPv6", "\"::1\"", "00000000000000000000000000000001"},
    {"IPv6", "\"::\"", "00000000000000000000000000000000"},
    {"IPv6", "\"2001:db8::ff00:42:8329\"", "20010db8000000000000ff0000428329"},
    {"IPv6", "\"2001:DB8:0:0:0:0:0:1\"", "20010db8000000000000000000000001"},
    {"IPv6", "\"1.2.3.4\"", "00000000000000000000ffff01020304"},  // IPv4-mapped
    {"IPv6", "\"::ffff:1.2.3.4\"", "00000000000000000000ffff01020304"},
    {"IPv6", "null", "00000000000000000000000000000000"},
    {"IPv6", "\"::1\\u0000junk\"", nullptr},
    {"IPv6", "\"1::2::3\"", nullptr},
    {"IPv6", "\"12345::\"", nullptr},
    {"IPv6", "\":::\"", nullptr},
    {"IPv6", "\"fe80::1%eth0\"", nullptr},
    {"IPv6", "\"1.2.3\"", nullptr},
    {"IPv6", "\"\"", nullptr},
    {"IPv6", "1", nullptr},
};
INSTANTIATE_TEST_SUITE_P(Ip, TextEncoding, ::testing::ValuesIn(kIps));

const Case kEnums[] = {
    {"Enum8('a' = 1, 'b' = -2)", "\"a\"", "01"},
    {"Enum8('a' = 1, 'b' = -2)", "\"b\"", "fe"},
    {"Enum8('a' = 1, 'b' = -2)", "1", "01"},
    {"Enum8('a' = 1, 'b' = -2)", "-2", "fe"},
    {"Enum8('a' = 1, 'b' = -2)", "1.0", "01"},
    {"Enum8('a' = 1, 'b' = -2)", "1e0", "01"},
    {"Enum8('a' = 1, 'b' = -2)", "null", "fe"},  // default: the smallest value
    {"Enum8('a' = 1, 'b' = -2)", "\"c\"", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "\"A\"", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "\"a \"", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "\"1\"", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "\"\"", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "2", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "0", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "1.5", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "257", nullptr},  // 257 mod 256 = 1 must not pass
    {"Enum8('a' = 1, 'b' = -2)", "true", nullptr},
    {"Enum8('a' = 1, 'b' = -2)", "[\"a\"]", nullptr},
    {"Enum8('it\\'s' = 1, 'back\\\\slash' = 2)", "\"it's\"", "01"},
    {"Enum8('it\\'s' = 1, 'back\\\\slash' = 2)", "\"back\\\\slash\"", "02"},
    {"Enum16('x' = -1000, 'y' = 1000)", "\"y\"", "e803"},
    {"Enum16('x' = -1000, 'y' = 1000)", "-1000", "18fc"},
    {"Enum16('x' = -1000, 'y' = 1000)", "null", "18fc"},
    {"Enum16('x' = -1000, 'y' = 1000)", "1001", nullptr},
    {"Enum16('x' = -1000, 'y' = 1000)", "65536000", nullptr},
    {"LowCardinality(Enum8('a' = 1))", "\"a\"", "01"},
};
INSTANTIATE_TEST_SUITE_P(Enum, TextEncoding, ::testing::ValuesIn(kEnums));

}  // namespace
}  // namespace k2c
