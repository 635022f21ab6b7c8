// Decimal(P, S) and Decimal32/64/128/256(S): the value scaled by 10^S as a
// little-endian two's complement integer of 4/8/16/32 bytes (width chosen by
// P: <=9, <=18, <=38, <=76), converted exactly from the decimal text;
// extra fraction digits are truncated (toward zero); more than P-S integer
// digits are rejected (SPEC §4).
//
// Layout: ClickHouse docs, "RowBinary" > "Decimal32, Decimal64, Decimal128,
// Decimal256" (https://clickhouse.com/docs/reference/formats/RowBinary/RowBinary.md):
// "represented as little-endian integers with respective bit width".
// Decimal128/Decimal256 cannot be hosted by our local ClickHouse 18.16; the
// server oracle (tests/integration/server_oracle_test.cc) covers P <= 18.
#include <gtest/gtest.h>

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using testing::Case;

class DecimalEncoding : public ::testing::TestWithParam<Case> {};
TEST_P(DecimalEncoding, MatchesRowBinary) { testing::expect_case(GetParam()); }

const Case kDecimal32[] = {
    {"Decimal(9, 2)", "12.34", "d2040000"},
    {"Decimal(9, 2)", "\"12.34\"", "d2040000"},
    {"Decimal(9, 2)", "12", "b0040000"},
    {"Decimal(9, 2)", "-1.5", "6affffff"},
    {"Decimal(9, 2)", "12.345", "d2040000"},  // truncated, not rounded
    {"Decimal(9, 2)", "12.349", "d2040000"},
    {"Decimal(9, 2)", "-12.349", "2efbffff"},  // truncated toward zero
    {"Decimal(9, 2)", "0.001", "00000000"},
    {"Decimal(9, 2)", "-0.001", "00000000"},
    {"Decimal(9, 2)", "1e2", "10270000"},
    {"Decimal(9, 2)", "1.5e-1", "0f000000"},
    {"Decimal(9, 2)", "\"0000012.34\"", "d2040000"},
    {"Decimal(9, 2)", "1234567.89", "15cd5b07"},
    {"Decimal(9, 2)", "9999999.99", "ffc99a3b"},
    {"Decimal(9, 2)", "9999999.999", "ffc99a3b"},
    {"Decimal(9, 2)", "12345678.9", nullptr},  // 8 integer digits > P-S = 7
    {"Decimal(9, 2)", "-12345678", nullptr},
    {"Decimal(9, 2)", "1e7", nullptr},
    {"Decimal(9, 2)", "null", "00000000"},
    {"Decimal(9, 2)", "\"abc\"", nullptr},
    {"Decimal(9, 2)", "\"\"", nullptr},
    {"Decimal(9, 2)", "\"1.2.3\"", nullptr},
    {"Decimal(9, 2)", "\" 1.5\"", nullptr},
    {"Decimal(9, 2)", "\"nan\"", nullptr},
    {"Decimal(9, 2)", "true", nullptr},
    {"Decimal(9, 2)", "[1]", nullptr},
    {"Decimal(9, 2)", "{}", nullptr},
    {"Decimal32(4)", "99999.9999", "ffc99a3b"},
    {"Decimal32(4)", "100000", nullptr},
    {"Decimal(3, 3)", "0.999", "e7030000"},
    {"Decimal(3, 3)", "0.9999", "e7030000"},
    {"Decimal(3, 3)", "1", nullptr},  // P-S = 0 integer digits
    {"Decimal(3, 3)", "-0.5", "0cfeffff"},
    {"Decimal(5)", "12345", "39300000"},
    {"Decimal(5)", "1.9", "01000000"},
};
INSTANTIATE_TEST_SUITE_P(Decimal32, DecimalEncoding, ::testing::ValuesIn(kDecimal32));

const Case kDecimal64[] = {
    {"Decimal(18, 4)", "12345678901234.5678", "4ef330a64b9bb601"},
    {"Decimal(18, 4)", "-12345678901234.5678", "b20ccf59b46449fe"},
    {"Decimal(18, 4)", "123456789012345.6789", nullptr},
    {"Decimal64(4)", "\"12345678901234.56789\"", "4ef330a64b9bb601"},
    {"Decimal(10, 0)", "9999999999", "ffe30b5402000000"},
    {"Decimal(10, 0)", "1e10", nullptr},
    {"Decimal(18, 18)", "-0.000000000000000001", "ffffffffffffffff"},
    {"Decimal(18, 2)", "null", "0000000000000000"},
};
INSTANTIATE_TEST_SUITE_P(Decimal64, DecimalEncoding, ::testing::ValuesIn(kDecimal64));

const Case kWideDecimals[] = {
    {"Decimal(38, 10)", "1234567890123456789012345678.0123456789",
     "154567cc4e9049c4133302f0f6b04909"},
    {"Decimal(38, 10)", "-1234567890123456789012345678.01234567891",
     "ebba9833b16fb63becccfd0f094fb6f6"},
    {"Decimal(38, 10)", "12345678901234567890123456789", nullptr},
    {"Decimal128(2)", "5e34", "00000000501b7a806c23ed6a08f7c203"},
    {"Decimal(76, 0)",
     "9999999999999999999999999999999999999999999999999999999999999999999999999999",
     "ffffffffffffffffff0f9571f1a57577792965e8abb46407b5159911a7cc1b16"},
    {"Decimal(76, 0)",
     "-9999999999999999999999999999999999999999999999999999999999999999999999999999",
     "010000000000000000f06a8e0e5a8a8886d69a17544b9bf84aea66ee5833e4e9"},
    {"Decimal(76, 0)",
     "19999999999999999999999999999999999999999999999999999999999999999999999999999", nullptr},
    {"Decimal256(40)", "1.5", "000000008011f096811ff70aa5eabe142c000000000000000000000000000000"},
    {"Decimal256(40)", "\"1.5\"",
     "000000008011f096811ff70aa5eabe142c000000000000000000000000000000"},
    {"Decimal256(40)", "1e36", nullptr},
};
INSTANTIATE_TEST_SUITE_P(Wide, DecimalEncoding, ::testing::ValuesIn(kWideDecimals));

}  // namespace
}  // namespace k2c
