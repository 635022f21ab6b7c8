// ClickHouse 26.7 as the oracle. For every accepted row of
// tests/rowbinary/semistructured_cases.h (JSON, Variant, Dynamic: types 18.16
// cannot host),
//  - the engine's own RowBinary of the same value (SELECT CAST(sql, 'T')
//    FORMAT RowBinary) equals our bytes, where the row names an expression;
//  - the engine reads our bytes into a column of type T and writes exactly
//    them back (INSERT ... FORMAT RowBinary, SELECT ... FORMAT RowBinary).
// And for every type family of tests/rowbinary/every_type.h, the engine reads
// our bytes of the accepted value and of the zero value, and writes them back.
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

}  // namespace
}  // namespace k2c::testing
