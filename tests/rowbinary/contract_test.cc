// The contract of encoder.h, checked for an encoder of every type family and
// wrapper: null is NULL only for Nullable (else the zero value, exactly what
// write_default writes); a rejected value writes nothing and leaves the buffer
// as it was; write_default writes the documented zero value; the same input
// always gives the same bytes; encode appends and never touches what is
// already in the buffer.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "rowbinary/encoder.h"
#include "tests/rowbinary/encoder_test_util.h"

namespace k2c {
namespace {

using testing::to_hex;

struct Contract {
  const char* type;
  const char* zero_hex;              // write_default, documented zero value
  const char* valid;                 // one accepted JSON value
  std::vector<const char*> invalid;  // JSON values the type must reject
};

void PrintTo(const Contract& c, std::ostream* os) { *os << c.type; }

// An encoder and a buffer with a prefix that must survive every call.
struct Harness {
  explicit Harness(const char* type_text) {
    auto t = parse_type(type_text);
    EXPECT_TRUE(t.ok()) << type_text;
    if (t.ok()) encoder = make_encoder(*t);
  }
  // Encodes `json` after `prefix`; returns the status and leaves the buffer in out.
  Status encode(const std::string& json, std::string& out, const std::string& prefix = "PRE") {
    out = prefix;
    doc = simdjson::padded_string("{\"v\":" + json + "}");
    simdjson::ondemand::document d;
    if (auto e = parser.iterate(doc).get(d)) return invalid_json(e);
    simdjson::ondemand::value v;
    if (auto e = d["v"].get(v)) return invalid_json(e);
    return encoder->encode(v, out);
  }
  std::unique_ptr<Encoder> encoder;
  simdjson::ondemand::parser parser;
  simdjson::padded_string doc;
};

class EncoderContract : public ::testing::TestWithParam<Contract> {};

TEST_P(EncoderContract, WriteDefaultWritesTheZeroValue) {
  const Contract& c = GetParam();
  Harness h(c.type);
  ASSERT_TRUE(h.encoder);
  std::string out = "PRE";
  h.encoder->write_default(out);
  ASSERT_EQ(out.substr(0, 3), "PRE");
  EXPECT_EQ(to_hex(out.substr(3)), c.zero_hex);
}

TEST_P(EncoderContract, NullIsNullOnlyWhenNullableElseTheZeroValue) {
  const Contract& c = GetParam();
  Harness h(c.type);
  ASSERT_TRUE(h.encoder);
  std::string out;
  auto st = h.encode("null", out);
  ASSERT_TRUE(st.ok()) << st.error().message;
  std::string zero = "PRE";
  h.encoder->write_default(zero);
  EXPECT_EQ(to_hex(out), to_hex(zero));
  if (h.encoder->is_nullable()) {
    EXPECT_EQ(to_hex(out.substr(3)), "01");
  } else {
    EXPECT_NE(to_hex(out.substr(3)), "01") << "only Nullable writes the NULL marker alone"
                                           << " (Bool/UInt8-like zero is 00)";
  }
}

TEST_P(EncoderContract, RejectionLeavesTheBufferUnchanged) {
  const Contract& c = GetParam();
  Harness h(c.type);
  ASSERT_TRUE(h.encoder);
  ASSERT_FALSE(c.invalid.empty());
  for (const char* json : c.invalid) {
    std::string out;
    const std::string prefix = std::string("PRE\0\x01\xff", 6);
    auto st = h.encode(json, out, prefix);
    EXPECT_FALSE(st.ok()) << c.type << " accepted " << json << " as " << to_hex(out);
    if (st.ok()) continue;
    EXPECT_EQ(to_hex(out), to_hex(prefix)) << c.type << " <- " << json;
    EXPECT_EQ(st.error().kind, ErrorKind::bad_record);
    EXPECT_NE(st.error().code, ErrorCode::none) << st.error().message;
    EXPECT_FALSE(st.error().message.empty());
  }
}

TEST_P(EncoderContract, SameInputGivesSameBytesAndAppends) {
  const Contract& c = GetParam();
  Harness h(c.type);
  Harness fresh(c.type);
  ASSERT_TRUE(h.encoder && fresh.encoder);
  std::string first, second, third;
  ASSERT_TRUE(h.encode(c.valid, first).ok()) << c.type << " <- " << c.valid;
  // A rejected value in between must not disturb the encoder's state.
  std::string scratch;
  EXPECT_FALSE(h.encode(c.invalid.front(), scratch).ok());
  ASSERT_TRUE(h.encode(c.valid, second).ok());
  ASSERT_TRUE(fresh.encode(c.valid, third).ok());
  EXPECT_EQ(first.substr(0, 3), "PRE");
  EXPECT_GT(first.size(), 3u);
  EXPECT_EQ(to_hex(first), to_hex(second));
  EXPECT_EQ(to_hex(first), to_hex(third));
}

constexpr const char* kZero32Bytes =
    "0000000000000000000000000000000000000000000000000000000000000000";

const Contract kEveryType[] = {
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
};

INSTANTIATE_TEST_SUITE_P(EveryType, EncoderContract, ::testing::ValuesIn(kEveryType));

}  // namespace
}  // namespace k2c
