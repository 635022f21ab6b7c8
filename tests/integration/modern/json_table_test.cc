// A table with JSON columns, end to end against ClickHouse 26.7: the real
// bootstrap under the emulator, routed by dynalite, into the chDB front end.
// Before JSON support every batch of such a table failed ("cannot parse
// ClickHouse type 'JSON'") and was reported for retry until retries ran out.
#include <gtest/gtest.h>

#include "tests/integration/modern/modern.h"

namespace k2c::testing {
namespace {

using nlohmann::json;

constexpr const char* kStream = "arn:aws:kinesis:eu-west-1:123456789012:stream/modern";
constexpr const char* kNoFailures = "{\"batchItemFailures\":[]}";

std::vector<json> json_lines(const std::string& body) {
  std::vector<json> rows;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(json::parse(line));
  return rows;
}

TEST_F(ModernTest, JsonTableLandsItsRows) {
  query(
      "CREATE TABLE events (id UInt32, doc JSON, hints JSON(max_dynamic_paths=4, a UInt32)) "
      "ENGINE = MergeTree ORDER BY id");
  put_route(kStream, "events");
  auto run = replay({event_file(
      kStream, {R"({"id":1,"doc":{"a":1,"b":{"c":"x"}},"hints":{"a":5}})",
                R"({"id":2,"doc":{"n":[1,2],"s":"é"}})", R"({"id":3,"doc":"not an object"})"})});
  ASSERT_EQ(run.exit_code, 0) << log_;
  ASSERT_EQ(run.results.size(), 1u) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;

  auto rows =
      json_lines(query("SELECT id, toString(doc) AS d, toString(hints) AS h FROM events "
                       "ORDER BY id FORMAT JSONEachRow"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(json::parse(rows[0]["d"].get<std::string>()), json::parse(R"({"a":1,"b":{"c":"x"}})"));
  EXPECT_EQ(json::parse(rows[0]["h"].get<std::string>()), json::parse(R"({"a":5})"));
  EXPECT_EQ(json::parse(rows[1]["d"].get<std::string>()), json::parse(R"({"n":[1,2],"s":"é"})"));
  EXPECT_EQ(rows[1]["h"], R"({"a":0})") << "a missing JSON value takes the column's default";

  auto dead =
      json_lines(query("SELECT error_kind, error_message FROM kinesis_dead_letter "
                       "FORMAT JSONEachRow"));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["error_kind"], "value_rejected");
  EXPECT_NE(dead[0]["error_message"].get<std::string>().find("JSON object"), std::string::npos);

  auto inserts = inserts_log();
  ASSERT_EQ(inserts.size(), 2u);  // the dead letter, then the rows
  EXPECT_EQ(inserts[1]["format"], "RowBinaryWithDefaults");
  EXPECT_EQ(inserts[1]["settings"]["input_format_binary_read_json_as_string"], "1");
  EXPECT_FALSE(inserts[0]["settings"].contains("input_format_binary_read_json_as_string"));
}

TEST_F(ModernTest, VariantAndDynamicColumnsLandTheirValues) {
  query(
      "CREATE TABLE mixed (id UInt32, v Variant(String, Int64, Array(Int64)), d Dynamic) "
      "ENGINE = MergeTree ORDER BY id");
  put_route(kStream, "mixed");
  auto run = replay(
      {event_file(kStream, {R"({"id":1,"v":"a","d":{"k":[1,"x",true]}})",
                            R"({"id":2,"v":7,"d":2.5})", R"({"id":3,"v":[1,2],"d":null})"})});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(query("SELECT id, variantType(v), toString(v), dynamicType(d), toString(d), isNull(d) "
                  "FROM mixed ORDER BY id FORMAT CSV"),
            "1,\"String\",\"a\",\"Map(String, Dynamic)\",\"{'k':[1,'x',true]}\",0\n"
            "2,\"Int64\",\"7\",\"Float64\",\"2.5\",0\n"
            "3,\"Array(Int64)\",\"[1,2]\",\"None\",\"\",1\n");
}

}  // namespace
}  // namespace k2c::testing
