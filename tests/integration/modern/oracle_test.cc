// ClickHouse 26.7 as the oracle. For every accepted row of
// tests/rowbinary/semistructured_cases.h (JSON, Variant, Dynamic: types 18.16
// cannot host),
//  - the engine's own RowBinary of the same value (SELECT CAST(sql, 'T')
//    FORMAT RowBinary) equals our bytes, where the row names an expression;
//  - the engine reads our bytes into a column of type T and writes exactly
//    them back (INSERT ... FORMAT RowBinary, SELECT ... FORMAT RowBinary).
// And for every type family of tests/rowbinary/every_type.h, the engine reads
// our bytes of the accepted value and of the zero value, and writes them back.
// Last, kValueRows: for the types 18.16 cannot host, the value the engine reads
// from our bytes, as its toString() prints it, is the value the JSON meant.
#include <gtest/gtest.h>

#include "base/identifier.h"
#include "tests/integration/modern/modern.h"
#include "tests/rowbinary/every_type.h"
#include "tests/rowbinary/semistructured_cases.h"

namespace k2c::testing {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string sql_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// Our bytes `hex` of one value of `type`, as the engine writes them back
// after reading them into a Memory table; empty when it refuses them.
std::string round_trip(const std::string& type, const std::string& hex) {
  engine("DROP TABLE IF EXISTS oracle.t");
  engine("CREATE TABLE oracle.t (v " + type + ") ENGINE = Memory");
  const std::string query = "INSERT INTO oracle.t (v) FORMAT RowBinary";
  HttpResponse r = engine_request(
      "?query=" + url_encode(query) + "&input_format_binary_read_json_as_string=1", from_hex(hex));
  EXPECT_EQ(r.status, 200) << type << " <- " << hex << ": " << r.body;
  if (r.status != 200) return "";
  return to_hex(
      engine("SELECT v FROM oracle.t SETTINGS output_format_binary_write_json_as_string = 1 "
             "FORMAT RowBinary"));
}

class EngineOracle : public ::testing::TestWithParam<EngineCase> {
 protected:
  static void SetUpTestSuite() {
    engine("DROP DATABASE IF EXISTS oracle");
    engine("CREATE DATABASE oracle");
  }
};

TEST_P(EngineOracle, CastGivesOurBytes) {
  const Case& c = GetParam().c;
  if (c.hex == nullptr || GetParam().sql == nullptr) GTEST_SKIP() << "no expression for this row";
  const std::string bytes =
      engine("SELECT CAST(" + std::string(GetParam().sql) + ", " + sql_quoted(c.type) +
             ") SETTINGS output_format_binary_write_json_as_string = 1 FORMAT RowBinary");
  EXPECT_EQ(to_hex(bytes), c.hex) << c.type << " <- " << c.json;
}

TEST_P(EngineOracle, ReadsOurBytesAndWritesThemBack) {
  const Case& c = GetParam().c;
  if (c.hex == nullptr) GTEST_SKIP() << "a rejected value: nothing to send";
  EXPECT_EQ(round_trip(c.type, c.hex), c.hex) << c.type << " <- " << c.json;
}

INSTANTIATE_TEST_SUITE_P(Semistructured, EngineOracle, ::testing::ValuesIn(kSemistructuredCases));

using EveryFamilyOracle = ::testing::TestWithParam<Contract>;

TEST_P(EveryFamilyOracle, EngineReadsOurValueAndZeroBytesAndWritesThemBack) {
  const Contract& c = GetParam();
  engine("CREATE DATABASE IF NOT EXISTS oracle");
  EncodeResult ours = encode_json(c.type, c.valid);
  ASSERT_TRUE(ours.ok) << c.type << " <- " << c.valid << ": " << ours.error;
  EXPECT_EQ(round_trip(c.type, ours.hex), ours.hex) << c.type << " <- " << c.valid;
  EXPECT_EQ(round_trip(c.type, c.zero_hex), c.zero_hex) << c.type << " zero value";
}

INSTANTIATE_TEST_SUITE_P(EveryType, EveryFamilyOracle, ::testing::ValuesIn(kEveryType));

// JSON in, the engine's toString() of what it read from our bytes out.
struct ValueRow {
  const char* type;
  const char* json;
  const char* text;
};
void PrintTo(const ValueRow& r, std::ostream* os) { *os << r.type << " <- " << r.json; }

const ValueRow kValueRows[] = {
    {"Int128", "1e30", "1000000000000000000000000000000"},
    {"Int128", "-170141183460469231731687303715884105728",
     "-170141183460469231731687303715884105728"},
    {"UInt128", "\"340282366920938463463374607431768211455\"",
     "340282366920938463463374607431768211455"},
    {"Int256", "-1", "-1"},
    {"UInt256", "115792089237316195423570985008687907853269984665640564039457584007913129639935",
     "115792089237316195423570985008687907853269984665640564039457584007913129639935"},
    {"Decimal(38, 10)", "\"-1234567890123456789012345678.0123456789\"",
     "-1234567890123456789012345678.0123456789"},
    {"Decimal(76, 20)", "1.5", "1.5"},
    {"Decimal(76, 0)", "-1e75",
     "-1000000000000000000000000000000000000000000000000000000000000000000000000000"},
    {"Bool", "true", "true"},
    {"Bool", "0", "false"},
    {"Date32", "\"1900-01-01\"", "1900-01-01"},
    {"Date32", "\"2299-12-31\"", "2299-12-31"},
    {"DateTime64(3, 'UTC')", "\"2023-11-14T22:13:20.123456Z\"", "2023-11-14 22:13:20.123"},
    {"DateTime64(9, 'UTC')", "1.123456789", "1970-01-01 00:00:01.123456789"},
    {"DateTime64(6, 'UTC')", "\"1900-01-01 00:00:00\"", "1900-01-01 00:00:00.000000"},
    {"DateTime('UTC')", "\"2106-02-07 06:28:15\"", "2106-02-07 06:28:15"},
    {"UUID", "\"00112233-4455-6677-8899-AABBCCDDEEFF\"", "00112233-4455-6677-8899-aabbccddeeff"},
    {"IPv4", "\"10.0.0.1\"", "10.0.0.1"},
    {"IPv6", "\"2001:db8::1\"", "2001:db8::1"},
    {"IPv6", "\"1.2.3.4\"", "::ffff:1.2.3.4"},
    {"Map(String, UInt64)", R"({"a":1,"b":2})", "{'a':1,'b':2}"},
    {"Map(Int32, Array(String))", R"({"-2":["x"]})", "{-2:['x']}"},
    {"Map(DateTime('UTC'), Bool)", R"({"1700000000":true})", "{'2023-11-14 22:13:20':true}"},
    {"Enum16('x' = 300, 'y' = 7)", "300", "x"},
    {"LowCardinality(Nullable(String))", "null", "\\N"},
    {"Tuple(a Int128, b Map(String, IPv4))", R"({"b":{"k":"1.2.3.4"},"a":-5})",
     "(-5,{'k':'1.2.3.4'})"},
};

using ValueOracle = ::testing::TestWithParam<ValueRow>;

TEST_P(ValueOracle, EngineReadsTheValueTheJsonMeant) {
  const ValueRow& row = GetParam();
  engine("CREATE DATABASE IF NOT EXISTS oracle");
  EncodeResult ours = encode_json(row.type, row.json);
  ASSERT_TRUE(ours.ok) << row.type << " <- " << row.json << ": " << ours.error;
  ASSERT_EQ(round_trip(row.type, ours.hex), ours.hex);
  EXPECT_EQ(engine("SELECT toString(v) FROM oracle.t FORMAT TabSeparatedRaw"),
            std::string(row.text) + "\n")
      << row.type << " <- " << row.json;
}

INSTANTIATE_TEST_SUITE_P(Modern, ValueOracle, ::testing::ValuesIn(kValueRows));

}  // namespace
}  // namespace k2c::testing
