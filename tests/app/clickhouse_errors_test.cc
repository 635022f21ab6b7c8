// Error classes by ClickHouse code (app/clickhouse_errors.h), and the table
// of docs/operations.md, which must say the same as the code.
#include "app/clickhouse_errors.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace k2c {
namespace {

TEST(ClickHouseErrors, HeaderCodeWinsOverTheText) {
  EXPECT_EQ(clickhouse_error_code("252", "Code: 60. DB::Exception: ..."), 252);
  Error e = classify_clickhouse_error(500, "Code: 60. DB::Exception: Unknown table", "252");
  EXPECT_EQ(e.kind, ErrorKind::transient);
}

TEST(ClickHouseErrors, TextCodeWhenThereIsNoHeader) {
  // 18.16's form, and today's.
  EXPECT_EQ(clickhouse_error_code("", "Code: 252, e.displayText() = DB::Exception: Too many parts"),
            252);
  EXPECT_EQ(clickhouse_error_code("", "Code: 60. DB::Exception: Unknown table"), 60);
  EXPECT_EQ(clickhouse_error_code("", "Internal Server Error"), -1);
  EXPECT_EQ(clickhouse_error_code("x", "Code: x"), -1);
}

TEST(ClickHouseErrors, EveryListedCodeHasItsKind) {
  for (const auto& c : clickhouse_codes()) {
    Error e = classify_clickhouse_error(500, "", std::to_string(c.code));
    EXPECT_EQ(e.kind, c.kind) << c.code << " " << c.name;
  }
}

TEST(ClickHouseErrors, UnknownOrMissingCodesAreTransientUnlessAuthStatus) {
  EXPECT_EQ(classify_clickhouse_error(500, "Code: 4242. DB::Exception: new").kind,
            ErrorKind::transient);
  EXPECT_EQ(classify_clickhouse_error(502, "Bad Gateway").kind, ErrorKind::transient);
  EXPECT_EQ(classify_clickhouse_error(401, "").kind, ErrorKind::permanent);
  EXPECT_EQ(classify_clickhouse_error(403, "").kind, ErrorKind::permanent);
}

TEST(ClickHouseErrors, PermanentMessageSaysItIsNotRetried) {
  Error e = classify_clickhouse_error(500, "Code: 16. DB::Exception: no column", "16");
  EXPECT_NE(e.message.find("HTTP 500"), std::string::npos);
  EXPECT_NE(e.message.find("Code: 16"), std::string::npos);
  EXPECT_NE(e.message.find("not retried"), std::string::npos);
}

TEST(ClickHouseErrors, OperationsDocListsExactlyTheCodeTable) {
  std::ifstream in(K2C_SOURCE_DIR "/docs/operations.md");
  ASSERT_TRUE(in) << "docs/operations.md";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const std::regex row(R"(\n\| (\d+) \| `([A-Z_]+)` \| (transient|permanent) \|)");
  size_t rows = 0;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator();
       ++it) {
    ++rows;
    const int code = std::stoi((*it)[1]);
    bool found = false;
    for (const auto& c : clickhouse_codes()) {
      if (c.code != code) continue;
      found = true;
      EXPECT_EQ((*it)[2], c.name) << code;
      EXPECT_EQ((*it)[3], to_string(c.kind)) << code;
    }
    EXPECT_TRUE(found) << "docs list code " << code << ", the code does not";
  }
  EXPECT_EQ(rows, clickhouse_codes().size()) << "every code of the table has a row in the docs";
}

}  // namespace
}  // namespace k2c
