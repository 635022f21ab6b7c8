// JSON, Variant and Dynamic: our bytes for the shared table of
// tests/rowbinary/semistructured_cases.h (the 26.7 engine checks the same
// table in tests/integration/modern/oracle_test.cc).
#include <gtest/gtest.h>

#include "tests/rowbinary/semistructured_cases.h"

namespace k2c {
namespace {

using testing::EngineCase;

class SemistructuredEncoding : public ::testing::TestWithParam<EngineCase> {};
TEST_P(SemistructuredEncoding, MatchesRowBinary) { testing::expect_case(GetParam().c); }
INSTANTIATE_TEST_SUITE_P(Table, SemistructuredEncoding,
                         ::testing::ValuesIn(testing::kSemistructuredCases));

TEST(VariantEncoding, DiscriminatorFollowsTheSortedListWhateverTheWrittenOrder) {
  auto r = testing::encode_json("Variant(String, Int64)", "42");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.hex, "002a00000000000000");  // Int64 sorts before String
}

TEST(DynamicEncoding, NestsDeeplyWithoutLosingBytes) {
  std::string json = "1";
  for (int i = 0; i < 50; ++i) json = "[" + json + "]";
  auto r = testing::encode_json("Dynamic", json);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.hex.size(), 2 * (50 * 4 + 9u));  // 1e 2b 20 01 per level, then 0a + 8 bytes
}

TEST(JsonEncoding, KeepsTheObjectTextAsWritten) {
  auto r = testing::encode_json("JSON", R"({ "a" : "é\n" , "b":[ ] })");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.hex, testing::to_hex(std::string("\x1a") + R"({ "a" : "é\n" , "b":[ ] })"));
}

}  // namespace
}  // namespace k2c
