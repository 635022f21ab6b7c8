// Table-driven: (JSON value, ClickHouse type, expected RowBinary as hex).
#include <gtest/gtest.h>

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using testing::encode_json;

struct Case {
  const char* type;
  const char* json;
  const char* hex;  // nullptr = rejected
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.type << " <- " << c.json; }

class EncodesValue : public ::testing::TestWithParam<Case> {};

TEST_P(EncodesValue, AsDocumented) {
  const Case& c = GetParam();
  auto r = encode_json(c.type, c.json);
  if (c.hex == nullptr) {
    EXPECT_FALSE(r.ok) << c.type << " " << c.json << " -> " << r.hex;
    EXPECT_EQ(r.written_on_error, 0u) << "a rejected value must leave the buffer unchanged";
    EXPECT_FALSE(r.code.empty());
  } else {
    ASSERT_TRUE(r.ok) << c.type << " " << c.json << ": " << r.error;
    EXPECT_EQ(r.hex, c.hex) << c.type << " " << c.json;
  }
}

const Case kSkeletonCases[] = {
    // Integers: little-endian two's complement.
    {"Int8", "-1", "ff"},
    {"Int8", "127", "7f"},
    {"Int8", "128", nullptr},
    {"Int8", "-129", nullptr},
    {"UInt8", "255", "ff"},
    {"UInt8", "-1", nullptr},
    {"Int16", "-2", "feff"},
    {"UInt16", "\"65535\"", "ffff"},
    {"Int32", "42.0", "2a000000"},
    {"Int32", "42.5", nullptr},
    {"Int32", "\"42\"", "2a000000"},
    {"Int32", "\"4x\"", nullptr},
    {"Int32", "true", nullptr},
    {"Int32", "1e3", "e8030000"},
    {"Int64", "-9223372036854775808", "0000000000000080"},
    {"Int64", "9223372036854775808", nullptr},
    {"UInt64", "18446744073709551615", "ffffffffffffffff"},
    {"UInt64", "18446744073709551616", nullptr},
    {"Int32", "null", "00000000"},
    // Floats: IEEE 754 little-endian.
    {"Float32", "1.5", "0000c03f"},
    {"Float64", "-2", "00000000000000c0"},
    {"Float64", "\"0.1\"", "9a9999999999b93f"},
    {"Float64", "\"abc\"", nullptr},
    {"Float64", "1e999", nullptr},
    // String: length (LEB128) + bytes; other JSON as written.
    {"String", "\"h\\u00e9\"", "0368c3a9"},
    {"String", "12.50", "0531322e3530"},
    {"String", "true", "0474727565"},
    {"String", "[1, 2]", "065b312c20325d"},
    {"String", "{\"a\":1}", "077b2261223a317d"},
    // Date: UInt16 days; DateTime: UInt32 seconds, UTC.
    {"Date", "\"1970-01-02\"", "0100"},
    {"Date", "\"2149-06-06\"", "ffff"},
    {"Date", "\"2149-06-07\"", nullptr},
    {"Date", "\"2023-02-30\"", nullptr},
    {"Date", "\"1969-12-31\"", nullptr},
    {"DateTime", "\"1970-01-01 00:00:01\"", "01000000"},
    {"DateTime", "\"2023-11-14T22:13:20Z\"", "00f15365"},
    {"DateTime", "\"2023-11-14T23:13:20.999+01:00\"", "00f15365"},
    {"DateTime", "1700000000", "00f15365"},
    {"DateTime", "\"2023-11-14 22:13\"", nullptr},
    {"DateTime", "-1", nullptr},
    // Nullable: 1 = NULL, else 0 + value.
    {"Nullable(Int32)", "null", "01"},
    {"Nullable(Int32)", "7", "0007000000"},
    {"Nullable(String)", "\"x\"", "000178"},
    {"Nullable(Int8)", "300", nullptr},
};

INSTANTIATE_TEST_SUITE_P(Skeleton, EncodesValue, ::testing::ValuesIn(kSkeletonCases));

}  // namespace
}  // namespace k2c
