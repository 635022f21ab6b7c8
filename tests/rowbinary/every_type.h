// One row per type family and wrapper: a type, its zero value's bytes, one
// accepted JSON value and some rejected ones. Used by the encoder contract
// (tests/rowbinary/contract_test.cc) and by the 26.7 test, where the engine
// reads the accepted value's and the zero value's bytes and writes the same
// bytes back (tests/integration/modern/oracle_test.cc).
#pragma once

#include <ostream>
#include <vector>

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c::testing {

struct Contract {
  const char* type;
  const char* zero_hex;              // write_default, documented zero value
  const char* valid;                 // one accepted JSON value
  std::vector<const char*> invalid;  // JSON values the type must reject
};

inline void PrintTo(const Contract& c, std::ostream* os) { *os << c.type; }

inline constexpr const char* kZero32Bytes =
    "0000000000000000000000000000000000000000000000000000000000000000";

inline const Contract kEveryType[] = {
    {"Int8", "00", "-5", {"128", "1.5", "\"x\"", "true", "[1]", "{}"}},
    {"Int16", "0000", "300", {"32768", "\"1e-1\"", "false", "[]"}},
    {"Int32", "00000000", "\"42\"", {"2147483648", "\"4x\"", "[1,2]", "{\"a\":1}"}},
    {"Int64", "0000000000000000", "-1", {"9223372036854775808", "0.5", "\"\""}},
    {"Int128", "00000000000000000000000000000000", "1e30", {"1e39", "\"x\"", "true"}},
    {"Int256", kZero32Bytes, "-1", {"1e77", "1.1", "[]"}},
    {"UInt8", "00", "255", {"256", "-1", "\"a\""}},
    {"UInt16", "0000", "65535", {"65536", "-1", "{}"}},
    {"UInt32", "00000000", "1", {"4294967296", "-1", "true"}},
    {"UInt64", "0000000000000000", "18446744073709551615", {"18446744073709551616", "-1"}},
    {"UInt128", "00000000000000000000000000000000", "\"1\"", {"-1", "1e39", "[]"}},
    {"UInt256", kZero32Bytes, "1", {"-1", "1e78", "\"0x1\""}},
    {"Float32", "00000000", "1.5", {"1e39", "\"nan\"", "true", "[]"}},
    {"Float64", "0000000000000000", "\"-2.5\"", {"1e999", "\"abc\"", "{}", "false"}},
    {"Decimal(9, 2)", "00000000", "12.345", {"12345678", "\"x\"", "true", "[]"}},
    {"Decimal(18, 4)", "0000000000000000", "-1.5", {"1e15", "\"1.2.3\""}},
    {"Decimal(38, 10)", "00000000000000000000000000000000", "\"1.5\"", {"1e28", "[]"}},
    {"Decimal(76, 20)", kZero32Bytes, "1.5", {"1e56", "true"}},
    {"Bool", "00", "true", {"2", "\"true\"", "[]", "{}"}},
    {"String", "00", "{\"a\": [1]}", {"\"\\ud800\""}},  // lone surrogate: invalid JSON
    {"FixedString(3)", "000000", "\"ab\"", {"\"abcd\"", "1", "true", "[]"}},
    {"Date", "0000", "\"2020-01-01\"", {"\"2149-06-07\"", "\"2020-02-30\"", "18000", "[]"}},
    {"Date32", "00000000", "\"1900-01-01\"", {"\"1899-12-31\"", "\"x\"", "true"}},
    {"DateTime", "00000000", "1700000000", {"-1", "\"2023-11-14 22:13\"", "4294967296", "[]"}},
    {"DateTime('Europe/Berlin')",
     "00000000",
     "\"2023-11-14T22:13:20+01:00\"",
     {"\"2023-11-14 25:00:00\"", "true"}},
    {"DateTime64(3)",
     "0000000000000000",
     "\"2023-11-14 22:13:20.123\"",
     {"\"1899-01-01 00:00:00\"", "\"2023-11-14 22:13:20x\"", "{}"}},
    {"DateTime64(9, 'UTC')",
     "0000000000000000",
     "1.123456789",
     {"\"2262-04-12 00:00:00\"", "false"}},
    {"UUID",
     "00000000000000000000000000000000",
     "\"00112233-4455-6677-8899-aabbccddeeff\"",
     {"\"00112233445566778899aabbccddeeff\"", "1", "[]"}},
    {"IPv4", "00000000", "\"10.0.0.1\"", {"\"10.0.0.256\"", "167772161", "\"::1\""}},
    {"IPv6", "00000000000000000000000000000000", "\"::1\"", {"\"1::2::3\"", "1", "{}"}},
    {"Enum8('a' = 1, 'b' = -2)", "fe", "\"a\"", {"\"c\"", "3", "true", "[\"a\"]"}},
    {"Enum16('x' = 300, 'y' = 7)", "0700", "300", {"301", "\"z\"", "{}"}},
    {"Array(Int8)", "00", "[1,2]", {"[1,300]", "[1,\"x\"]", "1", "{}", "\"[]\""}},
    {"Array(Nullable(String))", "00", "[null,\"a\",1]", {"{}", "\"a\"", "[1,\"\\ud800\"]"}},
    {"Map(String, UInt64)", "00", "{\"a\":1}", {"{\"a\":-1}", "{\"a\":1,\"b\":[]}", "[]", "1"}},
    {"Map(Int8, String)", "00", "{\"1\":\"x\"}", {"{\"1\":\"x\",\"300\":\"y\"}", "[]"}},
    {"Tuple(Int8, String)", "0000", "[1,\"a\"]", {"[1]", "[1,\"a\",2]", "[300,\"a\"]", "{}", "1"}},
    {"Tuple(a UInt16, b Nullable(Int8))",
     "000001",
     "{\"b\":1}",
     {"{\"a\":-1}", "{\"b\":\"x\"}", "[1]", "\"x\""}},
    {"Nullable(Int32)", "01", "7", {"\"x\"", "2147483648", "[]"}},
    {"Nullable(String)", "01", "\"x\"", {"\"\\ud800\""}},
    {"Nullable(Decimal(9, 2))", "01", "1.5", {"1e8", "true"}},
    {"LowCardinality(String)", "00", "\"x\"", {"\"\\udc00\""}},
    {"LowCardinality(Nullable(String))", "01", "\"x\"", {"\"\\ud800x\""}},
    {"SimpleAggregateFunction(anyLast, Nullable(String))", "01", "\"x\"", {"\"\\ud800\""}},
    {"Array(Map(String, Tuple(a Int8, b Array(UUID))))",
     "00",
     "[{\"k\":{\"a\":1,\"b\":[\"00112233-4455-6677-8899-aabbccddeeff\"]}}]",
     {"[{\"k\":{\"a\":1,\"b\":[\"nope\"]}}]", "[{\"k\":[1]}]",
      "[{\"k\":{\"a\":1},\"j\":{\"a\":999}}]", "{}"}},
    {"JSON", "027b7d", "{\"a\":{\"b\":[1,\"x\"]}}", {"[1]", "1", "\"{}\"", "true"}},
    {"Variant(Int64, String, Array(UInt8))", "ff", "[1,2]", {"[300]", "{}"}},
    {"Dynamic", "00", "[1,{\"a\":null,\"b\":\"x\"},2.5,true]", {"1e999", "[1,1e999]"}},
};

}  // namespace k2c::testing
