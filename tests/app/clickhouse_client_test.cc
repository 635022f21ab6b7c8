// Unit tests of how ClickHouse's answers are read; the wire is covered by
// tests/integration. A malformed answer is a transient error (a server or a
// proxy in trouble), never an exception.
#include "app/clickhouse_client.h"

#include <gtest/gtest.h>

namespace k2c {
namespace {

void expect_transient(std::string_view body) {
  Result<std::vector<ColumnInfo>> r = std::vector<ColumnInfo>{};
  ASSERT_NO_THROW(r = parse_describe_answer(body)) << body;
  ASSERT_FALSE(r.ok()) << body;
  EXPECT_EQ(r.error().kind, ErrorKind::transient) << body;
  EXPECT_NE(r.error().message.find("unexpected DESCRIBE answer"), std::string::npos)
      << r.error().message;
}

TEST(DescribeAnswer, ReadsEachRowsNameTypeAndDefault) {
  auto r = parse_describe_answer(
      R"({"name":"id","type":"UInt64","default_type":"","default_expression":"","comment":""})"
      "\n"
      R"({"name":"d","type":"UInt8","default_type":"DEFAULT","default_expression":"7"})"
      "\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "id");
  EXPECT_EQ((*r)[0].type, "UInt64");
  EXPECT_EQ((*r)[0].default_kind, "");
  EXPECT_EQ((*r)[1].default_kind, "DEFAULT");
  EXPECT_EQ((*r)[1].default_expression, "7");
}

// The default fields are optional: absent reads as no DEFAULT.
TEST(DescribeAnswer, AbsentDefaultFieldsAreEmpty) {
  auto r = parse_describe_answer(R"({"name":"id","type":"UInt64"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].default_kind, "");
  EXPECT_EQ((*r)[0].default_expression, "");
}

TEST(DescribeAnswer, InvalidJsonIsTransient) {
  expect_transient(R"({"name":"id","type":)");
  expect_transient("<html>502 Bad Gateway</html>");
  expect_transient("{\"name\":\"\xff\",\"type\":\"UInt8\"}");  // invalid UTF-8
}

TEST(DescribeAnswer, RowThatIsNotAnObjectIsTransient) {
  expect_transient(R"(["id","UInt64"])");
  expect_transient("null");
  expect_transient("42");
}

TEST(DescribeAnswer, MissingNameOrTypeIsTransient) {
  expect_transient(R"({"type":"UInt64"})");
  expect_transient(R"({"name":"id"})");
}

TEST(DescribeAnswer, NonStringNameOrTypeIsTransient) {
  expect_transient(R"({"name":1,"type":"UInt64"})");
  expect_transient(R"({"name":"id","type":["UInt64"]})");
  expect_transient(R"({"name":null,"type":"UInt64"})");
}

TEST(DescribeAnswer, NonStringDefaultFieldIsTransient) {
  expect_transient(R"({"name":"id","type":"UInt64","default_type":0})");
  expect_transient(R"({"name":"id","type":"UInt64","default_expression":null})");
  expect_transient(R"({"name":"id","type":"UInt64","default_expression":{"x":1}})");
}

TEST(DescribeAnswer, LaterMalformedRowIsTransient) {
  expect_transient(R"({"name":"id","type":"UInt64"})" "\n" R"({"name":2,"type":"UInt8"})");
}

TEST(DescribeAnswer, MessageShowsAnExcerptOfTheRow) {
  const std::string row = "{\"name\":" + std::string(10000, '9') + "}";
  auto r = parse_describe_answer(row);
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.error().message.size(), 500u) << "the answer is shown cut to an excerpt";
}

}  // namespace
}  // namespace k2c
