// Function's own log lines under Lambda's advanced logging controls
// (AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL), against the fakes of
// function_harness.h: the shape of a line, what the level drops, and the
// start-up warning when Lambda's filter would drop the metrics line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/app/function_harness.h"

namespace k2c {
namespace {

using nlohmann::json;
using testing::event;
using testing::Harness;

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string part;
  while (std::getline(in, part, '\t')) out.push_back(part);
  return out;
}

// A batch whose clicks insert fails: one ERROR line.
void handle_failing_batch(Harness& h) {
  h.server.failing_inserts = {"clicks"};
  ASSERT_TRUE(h.function.handle(event({{"clicks", "2", R"({"id":2})"}}, h.in_seconds(60))).ok());
}

TEST(FunctionLogging, JsonLinesCarryLambdasKeysAndTheirOwnFields) {
  Harness h;
  handle_failing_batch(h);
  ASSERT_EQ(h.log.lines.size(), 1u);
  const json line = json::parse(h.log.lines[0]);
  EXPECT_EQ(line["level"], "ERROR");
  EXPECT_EQ(line["requestId"], "req-1");
  // 1,700,000,000,000 ms after the epoch, plus the 300 ms the client backed off.
  EXPECT_EQ(line["timestamp"], "2023-11-14T22:13:20.300Z");
  EXPECT_NE(line["message"].get<std::string>().find("Too many parts"), std::string::npos);
  EXPECT_EQ(line["stream"], "arn:aws:kinesis:eu-west-1:1:stream/clicks");
  EXPECT_EQ(line["kind"], "transient");
  EXPECT_EQ(line["retry_from"], "2");
}

TEST(FunctionLogging, TextLinesAreTimestampRequestIdLevelAndMessage) {
  Harness h({{"AWS_LAMBDA_LOG_FORMAT", "Text"}});
  handle_failing_batch(h);
  ASSERT_EQ(h.log.lines.size(), 1u);
  const auto parts = split_tabs(h.log.lines[0]);
  ASSERT_EQ(parts.size(), 4u) << h.log.lines[0];
  EXPECT_EQ(parts[0], "2023-11-14T22:13:20.300Z");
  EXPECT_EQ(parts[1], "req-1");
  EXPECT_EQ(parts[2], "ERROR");
  EXPECT_NE(parts[3].find("retry_from=2"), std::string::npos) << parts[3];
}

TEST(FunctionLogging, LinesBelowTheLogLevelAreNotWritten) {
  Harness errors_only({{"AWS_LAMBDA_LOG_LEVEL", "ERROR"}, {"METRICS", "off"}});
  handle_failing_batch(errors_only);
  ASSERT_EQ(errors_only.log.lines.size(), 1u) << "the INFO summary is dropped";
  EXPECT_EQ(json::parse(errors_only.log.lines[0])["level"], "ERROR");

  Harness fatal_only({{"AWS_LAMBDA_LOG_LEVEL", "fatal"}, {"METRICS", "off"}});
  handle_failing_batch(fatal_only);
  EXPECT_TRUE(fatal_only.log.lines.empty());

  Harness debug({{"AWS_LAMBDA_LOG_LEVEL", "DEBUG"}, {"METRICS", "off"}});
  handle_failing_batch(debug);
  EXPECT_EQ(debug.log.lines.size(), 2u) << "the ERROR line and the INFO summary";
}

TEST(FunctionLogging, WarnsAtStartWhenLambdasFilterWouldDropTheMetricsLine) {
  Harness warn({{"AWS_LAMBDA_LOG_LEVEL", "WARN"}});
  ASSERT_EQ(warn.log.lines.size(), 1u);
  const json line = json::parse(warn.log.lines[0]);
  EXPECT_EQ(line["level"], "WARN");
  EXPECT_NE(line["message"].get<std::string>().find("METRICS=off"), std::string::npos);

  Harness error({{"AWS_LAMBDA_LOG_LEVEL", "ERROR"}});
  ASSERT_EQ(error.log.lines.size(), 1u) << "written at the configured level, so it shows";
  EXPECT_EQ(json::parse(error.log.lines[0])["level"], "ERROR");

  EXPECT_TRUE(Harness({{"AWS_LAMBDA_LOG_LEVEL", "INFO"}}).log.lines.empty());
  EXPECT_TRUE(Harness({{"AWS_LAMBDA_LOG_LEVEL", "WARN"}, {"METRICS", "off"}}).log.lines.empty());
  EXPECT_TRUE(Harness({{"AWS_LAMBDA_LOG_LEVEL", "WARN"}, {"AWS_LAMBDA_LOG_FORMAT", "Text"}})
                  .log.lines.empty())
      << "Lambda filters by level only in the JSON format";
}

}  // namespace
}  // namespace k2c
