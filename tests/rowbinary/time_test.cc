// Date, Date32, DateTime and DateTime64: SPEC §4 forms, resolved to UTC.
//
// Layouts:
//  - Date: UInt16 days since 1970-01-01, little-endian (hosted by 18.16; the
//    server oracle compares it).
//  - DateTime: UInt32 Unix seconds, little-endian (hosted by 18.16).
//  - Date32: Int32 days since 1970-01-01, little-endian, range
//    1900-01-01..2299-12-31. Source: ClickHouse docs, "RowBinary" > "Date32"
//    (https://clickhouse.com/docs/reference/formats/RowBinary/RowBinary.md) and
//    the Date32 data type page (https://clickhouse.com/docs/sql-reference/data-types/date32).
//    Not hostable by 18.16.
//  - DateTime64(p): Int64 ticks of 10^-p seconds since the epoch, little-endian,
//    range 1900-01-01 00:00:00..2299-12-31 23:59:59.99999999. Source: the same
//    RowBinary page, "DateTime64", and the DateTime64 data type page
//    (https://clickhouse.com/docs/sql-reference/data-types/datetime64). Not
//    hostable by 18.16.
// Naive text is UTC; an offset or Z is applied; the column's time zone only
// changes how the server displays values, never the bytes.
#include <gtest/gtest.h>

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using testing::Case;

class TimeEncoding : public ::testing::TestWithParam<Case> {};
TEST_P(TimeEncoding, MatchesRowBinary) { testing::expect_case(GetParam()); }

const Case kDates[] = {
    {"Date", "\"1970-01-01\"", "0000"},
    {"Date", "\"1970-01-02\"", "0100"},
    {"Date", "\"2000-02-29\"", "082b"},
    {"Date", "\"2149-06-06\"", "ffff"},
    {"Date", "null", "0000"},
    {"Date", "\"2149-06-07\"", nullptr},
    {"Date", "\"1969-12-31\"", nullptr},
    {"Date", "\"2001-02-29\"", nullptr},
    {"Date", "\"2023-13-01\"", nullptr},
    {"Date", "\"2023-00-10\"", nullptr},
    {"Date", "\"2023-01-00\"", nullptr},
    {"Date", "\"2023-1-5\"", nullptr},
    {"Date", "\"2023/01/05\"", nullptr},
    {"Date", "\"2023-01-05T00:00:00\"", nullptr},
    {"Date", "\"2023-01-05 \"", nullptr},
    {"Date", "\"\"", nullptr},
    {"Date", "19000", nullptr},
    {"Date", "true", nullptr},
    {"Date", "[]", nullptr},
    {"Date32", "\"1970-01-01\"", "00000000"},
    {"Date32", "\"1969-12-31\"", "ffffffff"},
    {"Date32", "\"1900-01-01\"", "219cffff"},
    {"Date32", "\"2299-12-31\"", "d1d60100"},
    {"Date32", "\"1899-12-31\"", nullptr},
    {"Date32", "\"2300-01-01\"", nullptr},
    {"Date32", "\"2000-02-30\"", nullptr},
    {"Date32", "null", "00000000"},
    {"Date32", "0", nullptr},
};
INSTANTIATE_TEST_SUITE_P(Date, TimeEncoding, ::testing::ValuesIn(kDates));

const Case kDateTimes[] = {
    {"DateTime", "\"1970-01-01 00:00:00\"", "00000000"},
    {"DateTime", "\"2106-02-07 06:28:15\"", "ffffffff"},
    {"DateTime", "\"2106-02-07 06:28:16\"", nullptr},
    {"DateTime", "\"2023-11-14 22:13:20\"", "00f15365"},  // naive text is UTC
    {"DateTime", "\"2023-11-14T22:13:20\"", "00f15365"},
    {"DateTime", "\"2023-11-14T22:13:20Z\"", "00f15365"},
    {"DateTime", "\"2023-11-14T22:13:20.999Z\"", "00f15365"},  // fraction dropped
    {"DateTime", "\"2023-11-14T22:13:20,5Z\"", "00f15365"},
    {"DateTime", "\"2023-11-14T23:13:20+01:00\"", "00f15365"},
    {"DateTime", "\"2023-11-14T23:13:20+0100\"", "00f15365"},
    {"DateTime", "\"2023-11-14T23:13:20+01\"", "00f15365"},
    {"DateTime", "\"2023-11-14T21:13:20-01:00\"", "00f15365"},
    {"DateTime", "\"2023-11-15T03:43:20+05:30\"", "00f15365"},
    {"DateTime", "\"2023-11-14\"", "80b85265"},  // a bare date is midnight UTC
    {"DateTime('Europe/Berlin')", "\"2023-11-14 22:13:20\"", "00f15365"},
    {"DateTime('Asia/Tokyo')", "1700000000", "00f15365"},
    {"DateTime", "1700000000", "00f15365"},  // a number is Unix seconds
    {"DateTime", "1700000000.9", "00f15365"},
    {"DateTime", "1e9", "00ca9a3b"},
    {"DateTime", "0", "00000000"},
    {"DateTime", "-0", "00000000"},
    {"DateTime", "4294967295", "ffffffff"},
    {"DateTime", "null", "00000000"},
    {"DateTime", "4294967296", nullptr},
    {"DateTime", "-1", nullptr},
    {"DateTime", "-0.5", nullptr},  // before the epoch, even if it truncates to 0
    {"DateTime", "\"1970-01-01T00:59:59+01:00\"", nullptr},
    {"DateTime", "\"1700000000\"", nullptr},
    {"DateTime", "\"2023-11-14 22:13\"", nullptr},
    {"DateTime", "\"2023-11-14 24:00:00\"", nullptr},
    {"DateTime", "\"2023-11-14 22:60:00\"", nullptr},
    {"DateTime", "\"2023-11-14 22:13:60\"", nullptr},
    {"DateTime", "\"2023-11-14 22:13:20 \"", nullptr},
    {"DateTime", "\"2023-11-14x22:13:20\"", nullptr},
    {"DateTime", "\"2023-11-14T22:13:20.Z\"", nullptr},
    {"DateTime", "\"2023-11-14T22:13:20+24:00\"", nullptr},
    {"DateTime", "\"2023-11-14T22:13:20+01:60\"", nullptr},
    {"DateTime", "\"2023-11-14T22:13:20+1\"", nullptr},
    {"DateTime", "\"2023-11-14T22:13:20 UTC\"", nullptr},
    {"DateTime", "\"2023-02-29 00:00:00\"", nullptr},
    {"DateTime", "\"\"", nullptr},
    {"DateTime", "true", nullptr},
    {"DateTime", "{}", nullptr},
};
INSTANTIATE_TEST_SUITE_P(DateTime, TimeEncoding, ::testing::ValuesIn(kDateTimes));

const Case kDateTime64s[] = {
    {"DateTime64(3)", "\"2023-11-14 22:13:20.123\"", "7b68e5cf8b010000"},
    {"DateTime64(3)", "\"2023-11-14 22:13:20.1239\"", "7b68e5cf8b010000"},  // truncated
    {"DateTime64(3)", "\"2023-11-14 22:13:20\"", "0068e5cf8b010000"},
    {"DateTime64(3)", "\"2023-11-14T23:13:20.5+01:00\"", "f469e5cf8b010000"},
    {"DateTime64(3, 'Europe/Berlin')", "\"2023-11-14T22:13:20.5Z\"", "f469e5cf8b010000"},
    {"DateTime64(3)", "1700000000.1239", "7b68e5cf8b010000"},
    {"DateTime64(3)", "1700000000", "0068e5cf8b010000"},
    {"DateTime64(3)", "\"1969-12-31 23:59:59.5\"", "0cfeffffffffffff"},
    {"DateTime64(3)", "-1.5", "24faffffffffffff"},
    {"DateTime64(3)", "\"1900-01-01 00:00:00\"", "00dc01aefdfdffff"},
    {"DateTime64(3)", "\"1899-12-31 23:59:59.999\"", nullptr},
    {"DateTime64(3)", "\"2299-12-31 23:59:59.999\"", "ff775fa678090000"},
    {"DateTime64(3)", "\"2300-01-01 00:00:00\"", nullptr},
    {"DateTime64(3)", "null", "0000000000000000"},
    {"DateTime64(0)", "\"2023-11-14 22:13:20.999\"", "00f1536500000000"},
    {"DateTime64(6, 'UTC')", "\"2023-11-14 22:13:20.123456789\"", "40222018240a0600"},
    {"DateTime64(9)", "\"2023-11-14 22:13:20.123456789\"", "15cd853dfe9c9717"},
    {"DateTime64(9)", "\"2262-04-11 23:47:16\"", "00280dcdffffff7f"},
    {"DateTime64(9)", "\"2262-04-11 23:47:17\"", nullptr},  // beyond Int64 nanoseconds
    {"DateTime64(0)", "\"2262-04-11 23:47:16\"", "047dc12502000000"},
    {"DateTime64(3)", "\"2023-11-14 22:13\"", nullptr},
    {"DateTime64(3)", "\"1700000000\"", nullptr},
    {"DateTime64(3)", "1e30", nullptr},
    {"DateTime64(3)", "true", nullptr},
    {"DateTime64(3)", "[]", nullptr},
};
INSTANTIATE_TEST_SUITE_P(DateTime64, TimeEncoding, ::testing::ValuesIn(kDateTime64s));

}  // namespace
}  // namespace k2c
