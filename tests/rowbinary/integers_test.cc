// Integers (Int8..Int256, UInt8..UInt256), Float32/64 and Bool: every
// accepted and rejected form of SPEC §4, with exact RowBinary bytes.
//
// Layouts (ClickHouse docs, "RowBinary" > "Data types wire format",
// https://clickhouse.com/docs/reference/formats/RowBinary/RowBinary.md):
//  - (U)Int8..(U)Int256: little-endian, two's complement for signed types,
//    1/2/4/8/16/32 bytes. Int128/Int256/UInt128/UInt256 cannot be hosted by
//    our local ClickHouse 18.16, so they rest on that page alone.
//  - Float32/Float64: IEEE 754 little-endian, 4/8 bytes.
//  - Bool: one byte, 0 = false, 1 = true (same page, "Bool"; not in 18.16).
#include <gtest/gtest.h>

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using testing::Case;

class IntegerEncoding : public ::testing::TestWithParam<Case> {};
TEST_P(IntegerEncoding, MatchesRowBinary) { testing::expect_case(GetParam()); }

const Case kIntegerLimits[] = {
    {"Int8", "-128", "80"},
    {"Int8", "127", "7f"},
    {"Int8", "-129", nullptr},
    {"Int8", "128", nullptr},
    {"UInt8", "0", "00"},
    {"UInt8", "255", "ff"},
    {"UInt8", "256", nullptr},
    {"UInt8", "-1", nullptr},
    {"Int16", "-32768", "0080"},
    {"Int16", "32767", "ff7f"},
    {"Int16", "32768", nullptr},
    {"Int16", "-32769", nullptr},
    {"UInt16", "65535", "ffff"},
    {"UInt16", "65536", nullptr},
    {"Int32", "-2147483648", "00000080"},
    {"Int32", "2147483647", "ffffff7f"},
    {"Int32", "2147483648", nullptr},
    {"Int32", "-2147483649", nullptr},
    {"UInt32", "4294967295", "ffffffff"},
    {"UInt32", "4294967296", nullptr},
    {"Int64", "-9223372036854775808", "0000000000000080"},
    {"Int64", "9223372036854775807", "ffffffffffffff7f"},
    {"Int64", "9223372036854775808", nullptr},
    {"Int64", "-9223372036854775809", nullptr},
    {"UInt64", "18446744073709551615", "ffffffffffffffff"},
    {"UInt64", "18446744073709551616", nullptr},
    {"UInt64", "-1", nullptr},
    // 17/18/19 digits cross the fast path's limit on both sides.
    {"Int64", "99999999999999999", "ffff895d78456301"},
    {"Int64", "999999999999999999", "ffff63a7b3b6e00d"},
    {"Int64", "1000000000000000000", "000064a7b3b6e00d"},
    {"Int64", "-999999999999999999", "01009c584c491ff2"},
};
INSTANTIATE_TEST_SUITE_P(Limits, IntegerEncoding, ::testing::ValuesIn(kIntegerLimits));

const Case kWideIntegers[] = {
    {"Int128", "1", "01000000000000000000000000000000"},
    {"Int128", "-1", "ffffffffffffffffffffffffffffffff"},
    {"Int128", "170141183460469231731687303715884105727", "ffffffffffffffffffffffffffffff7f"},
    {"Int128", "-170141183460469231731687303715884105728", "00000000000000000000000000000080"},
    {"Int128", "170141183460469231731687303715884105728", nullptr},
    {"Int128", "-170141183460469231731687303715884105729", nullptr},
    {"Int128", "\"12345678901234567890123\"", "cb444271764eb6429d02000000000000"},
    {"Int128", "-12345678901234567890123", "35bbbd8e89b149bd62fdffffffffffff"},
    {"Int128", "1e20", "000010632d5ec76b0500000000000000"},
    {"UInt128", "340282366920938463463374607431768211455", "ffffffffffffffffffffffffffffffff"},
    {"UInt128", "340282366920938463463374607431768211456", nullptr},
    {"UInt128", "-1", nullptr},
    {"Int256", "57896044618658097711785492504343953926634992332820282019728792003956564819967",
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"},
    {"Int256", "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
     "0000000000000000000000000000000000000000000000000000000000000080"},
    {"Int256", "57896044618658097711785492504343953926634992332820282019728792003956564819968",
     nullptr},
    {"Int256", "-1", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
    {"Int256", "-5", "fbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
    {"UInt256", "115792089237316195423570985008687907853269984665640564039457584007913129639935",
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
    {"UInt256", "115792089237316195423570985008687907853269984665640564039457584007913129639936",
     nullptr},
    {"UInt256", "1e80", nullptr},
    {"UInt256", "0", "0000000000000000000000000000000000000000000000000000000000000000"},
    {"Int128", "1.5", nullptr},
    {"Int256", "\"x\"", nullptr},
};
INSTANTIATE_TEST_SUITE_P(Wide, IntegerEncoding, ::testing::ValuesIn(kWideIntegers));

const Case kIntegerForms[] = {
    // Accepted: integers, strings holding one, numbers with zero fraction.
    {"Int32", "42", "2a000000"},
    {"Int32", "-0", "00000000"},
    {"UInt8", "-0", "00"},
    {"Int32", "42.0", "2a000000"},
    {"Int32", "42.000", "2a000000"},
    {"Int32", "4.2e1", "2a000000"},
    {"Int32", "4200e-2", "2a000000"},
    {"Int32", "0.5e1", "05000000"},
    {"Int32", "1E3", "e8030000"},
    {"Int32", "\"42\"", "2a000000"},
    {"Int32", "\"-42\"", "d6ffffff"},
    {"Int32", "\"007\"", "07000000"},
    {"Int32", "\"7.0\"", "07000000"},
    {"Int32", "\"1e2\"", "64000000"},
    {"Int32", "null", "00000000"},
    // Rejected: fractions, out of range, non-numeric text, other JSON kinds.
    {"Int32", "42.5", nullptr},
    {"Int32", "1e-1", nullptr},
    {"Int32", "0.0000001", nullptr},
    {"Int32", "1e400", nullptr},
    {"Int32", "\"\"", nullptr},
    {"Int32", "\" 7\"", nullptr},
    {"Int32", "\"7 \"", nullptr},
    {"Int32", "\"+7\"", nullptr},
    {"Int32", "\"0x10\"", nullptr},
    {"Int32", "\"1,000\"", nullptr},
    {"Int32", "\"-\"", nullptr},
    {"Int32", "\".5\"", nullptr},
    {"Int32", "\"5.\"", nullptr},
    {"Int32", "\"nan\"", nullptr},
    {"Int32", "true", nullptr},
    {"Int32", "false", nullptr},
    {"Int32", "[1]", nullptr},
    {"Int32", "{\"a\":1}", nullptr},
    {"UInt64", "\"18446744073709551616\"", nullptr},
};
INSTANTIATE_TEST_SUITE_P(Forms, IntegerEncoding, ::testing::ValuesIn(kIntegerForms));

class FloatEncoding : public ::testing::TestWithParam<Case> {};
TEST_P(FloatEncoding, MatchesRowBinary) { testing::expect_case(GetParam()); }

const Case kFloats[] = {
    {"Float32", "1.5", "0000c03f"},
    {"Float32", "0.1", "cdcccc3d"},
    {"Float32", "16777217", "0000804b"},  // rounded to nearest directly, not via double
    {"Float32", "3.4028235e38", "ffff7f7f"},
    {"Float32", "3.5e38", nullptr},
    {"Float32", "1e-50", "00000000"},  // below the smallest subnormal: zero
    {"Float32", "-1e-50", "00000080"},
    {"Float32", "1.4e-45", "01000000"},
    {"Float64", "-2", "00000000000000c0"},
    {"Float64", "123", "0000000000c05e40"},
    {"Float64", "0.1", "9a9999999999b93f"},
    {"Float64", "-0", "0000000000000080"},
    {"Float64", "1.7976931348623157e308", "ffffffffffffef7f"},
    {"Float64", "1e999", nullptr},
    {"Float64", "-1e999", nullptr},
    {"Float64", "5e-324", "0100000000000000"},
    {"Float64", "1e-400", "0000000000000000"},
    {"Float64", "0.0000e-99999", "0000000000000000"},
    {"Float64", "\"0.1\"", "9a9999999999b93f"},
    {"Float64", "\"1e2\"", "0000000000005940"},
    {"Float64", "\"-0\"", "0000000000000080"},
    {"Float64", "null", "0000000000000000"},
    // Non-numeric text, including what strtod would take but JSON would not.
    {"Float64", "\"abc\"", nullptr},
    {"Float64", "\"\"", nullptr},
    {"Float64", "\"nan\"", nullptr},
    {"Float64", "\"inf\"", nullptr},
    {"Float64", "\"-infinity\"", nullptr},
    {"Float64", "\"1.\"", nullptr},
    {"Float64", "\".5\"", nullptr},
    {"Float64", "\"+1\"", nullptr},
    {"Float64", "\" 1\"", nullptr},
    {"Float64", "\"0x1p3\"", nullptr},
    {"Float64", "true", nullptr},
    {"Float64", "[1.5]", nullptr},
    {"Float32", "{}", nullptr},
};
INSTANTIATE_TEST_SUITE_P(All, FloatEncoding, ::testing::ValuesIn(kFloats));

class BoolEncoding : public ::testing::TestWithParam<Case> {};
TEST_P(BoolEncoding, MatchesRowBinary) { testing::expect_case(GetParam()); }

const Case kBools[] = {
    {"Bool", "true", "01"},        {"Bool", "false", "00"},    {"Bool", "1", "01"},
    {"Bool", "0", "00"},           {"Bool", "null", "00"},     {"Bool", "2", nullptr},
    {"Bool", "-1", nullptr},       {"Bool", "1.0", nullptr},   {"Bool", "0.5", nullptr},
    {"Bool", "\"true\"", nullptr}, {"Bool", "\"1\"", nullptr}, {"Bool", "\"\"", nullptr},
    {"Bool", "[true]", nullptr},   {"Bool", "{}", nullptr},    {"Boolean", "true", "01"},
};
INSTANTIATE_TEST_SUITE_P(All, BoolEncoding, ::testing::ValuesIn(kBools));

}  // namespace
}  // namespace k2c
