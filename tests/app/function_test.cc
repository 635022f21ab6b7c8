// Function's orchestration against fakes: a clock that moves only when told,
// scripted HTTP transports for ClickHouse and DynamoDB, and a log that keeps
// its lines. What the real servers do with these requests is proven by
// tests/integration; here the order and content of the requests, and the
// answer to Lambda, are the subject. No test reads the wall clock.
#include "app/function.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/app/function_harness.h"

namespace k2c {
namespace {

using testing::event;
using testing::Harness;
using testing::test_config;
using testing::url_decoded;

TEST(Function, OneInsertPerStreamInOrderOfFirstAppearance) {
  Harness h;
  auto answer = h.function.handle(event({{"orders", "1", R"({"id":1})"},
                                         {"clicks", "2", R"({"id":2})"},
                                         {"orders", "3", R"({"id":3})"}},
                                        h.in_seconds(60)));
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(*answer, R"({"batchItemFailures":[]})");
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 2u);
  EXPECT_NE(inserts[0].find("INSERT INTO `default`.`orders`"), std::string::npos) << inserts[0];
  EXPECT_NE(inserts[1].find("INSERT INTO `default`.`clicks`"), std::string::npos) << inserts[1];
}

TEST(Function, DeadLettersAreWrittenBeforeTheRows) {
  Harness h;
  auto answer = h.function.handle(
      event({{"orders", "1", R"({"id":1})"}, {"orders", "2", "not json"}}, h.in_seconds(60)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[]})");
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 2u);
  EXPECT_NE(inserts[0].find("`kinesis_dead_letter`"), std::string::npos) << inserts[0];
  EXPECT_NE(inserts[1].find("`orders`"), std::string::npos) << inserts[1];
}

TEST(Function, DedupTokensNameTheStreamRangeAndDifferPerTable) {
  Harness h;
  ASSERT_TRUE(h.function
                  .handle(event({{"orders", "7", R"({"id":1})"}, {"orders", "9", "bad"}},
                                h.in_seconds(60)))
                  .ok());
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 2u);
  auto token = [](const std::string& q) {
    auto at = q.find("insert_deduplication_token=");
    return at == std::string::npos ? std::string() : q.substr(at + 27);
  };
  EXPECT_NE(token(inserts[0]), "");
  EXPECT_NE(token(inserts[0]), token(inserts[1]));
  // first and last sequence number of the group, and its record count
  EXPECT_NE(token(inserts[1]).find("-7-9-2"), std::string::npos) << token(inserts[1]);
}

TEST(Function, AJsonTableGetsJsonAsTextWhereTheServerHasTheSetting) {
  Harness h;
  h.server.extra_column = R"({"name":"doc","type":"JSON","default_type":"","default_expression":""})";
  h.server.settings = "input_format_binary_read_json_as_string\n";
  auto answer = h.function.handle(event({{"orders", "1", R"({"id":1,"doc":{"a":1}})"}}, h.in_seconds(60)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[]})");
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_NE(inserts[0].find("&input_format_binary_read_json_as_string=1"), std::string::npos)
      << inserts[0];
}

TEST(Function, AJsonTableTheServerCannotFeedIsRefusedOnceAndNothingIsWritten) {
  Harness h;
  h.server.extra_column = R"({"name":"doc","type":"JSON","default_type":"","default_expression":""})";
  auto answer = h.function.handle(
      event({{"orders", "1", R"({"id":1,"doc":{"a":1}})"}, {"orders", "2", "not json"}},
            h.in_seconds(60)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[{"itemIdentifier":"1"}]})");
  EXPECT_TRUE(h.inserts().empty()) << "neither rows nor dead letters";
  EXPECT_EQ(h.clock.slept_ms, 0) << "a permanent refusal is not retried";
  size_t errors = 0;
  for (const auto& line : h.log.lines) {
    if (line.find("\"level\":\"ERROR\"") == std::string::npos) continue;
    ++errors;
    EXPECT_NE(line.find("\"kind\":\"permanent\""), std::string::npos) << line;
    EXPECT_NE(line.find("`doc`"), std::string::npos) << line;
    EXPECT_NE(line.find("input_format_binary_read_json_as_string"), std::string::npos) << line;
  }
  EXPECT_EQ(errors, 1u);
}

TEST(Function, NoDedupTokenOnServersWithoutTheSetting) {
  Harness h;
  h.server.version = "18.16.1";
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_EQ(inserts[0].find("insert_deduplication_token"), std::string::npos);
}

TEST(Function, AFailedInsertReportsTheGroupsFirstRecordAndLeavesOtherGroupsWritten) {
  Harness h;
  h.server.failing_inserts = {"clicks"};
  auto answer = h.function.handle(event({{"orders", "1", R"({"id":1})"},
                                         {"clicks", "2", R"({"id":2})"},
                                         {"orders", "3", R"({"id":3})"},
                                         {"clicks", "4", R"({"id":4})"}},
                                        h.in_seconds(60)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[{"itemIdentifier":"2"}]})");
  // the transient error was retried with backoff on the fake clock, not in real time
  EXPECT_GT(h.clock.slept_ms, 0);
  bool logged = false;
  for (const auto& l : h.log.lines)
    logged = logged || (l.find("\"level\":\"ERROR\"") != std::string::npos &&
                        l.find("\"retry_from\":\"2\"") != std::string::npos);
  EXPECT_TRUE(logged);
}

TEST(Function, PastTheDeadlineNothingIsSentAndEverythingIsReported) {
  Harness h;
  const int64_t deadline = h.in_seconds(1);
  h.clock.advance_ms(900);  // inside the reserve kept for answering Lambda
  auto answer = h.function.handle(event({{"orders", "5", R"({"id":1})"}}, deadline));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[{"itemIdentifier":"5"}]})");
  EXPECT_TRUE(h.clickhouse.requests.empty());
  EXPECT_TRUE(h.dynamodb.requests.empty());
}

TEST(Function, AnEventThatIsNotKinesisIsAnInvocationError) {
  Harness h;
  Invocation inv;
  inv.deadline_ms = h.in_seconds(60);
  inv.body = R"({"hello":"world"})";
  inv.body.reserve(inv.body.size() + kResponsePadding);
  auto answer = h.function.handle(inv);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().kind, ErrorKind::invalid_event);
}

TEST(Function, RoutesAndPlansAreCachedAcrossInvocationsUntilTheTtl) {
  Harness h;
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  ASSERT_TRUE(h.function.handle(event({{"orders", "2", R"({"id":2})"}}, h.in_seconds(60))).ok());
  EXPECT_EQ(h.dynamodb.requests.size(), 1u);
  h.clock.advance_ms(int64_t{test_config().route_cache_ttl_seconds} * 1000 + 1);
  ASSERT_TRUE(h.function.handle(event({{"orders", "3", R"({"id":3})"}}, h.in_seconds(60))).ok());
  EXPECT_EQ(h.dynamodb.requests.size(), 2u);
}

TEST(Function, OneSummaryLinePerInvocation) {
  Harness h;
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  EXPECT_TRUE(h.log.lines.empty());
  ASSERT_EQ(h.metrics.lines.size(), 1u);
  EXPECT_NE(h.metrics.lines[0].find(R"("records":1)"), std::string::npos) << h.metrics.lines[0];
  EXPECT_NE(h.metrics.lines[0].find(R"("rows":1)"), std::string::npos) << h.metrics.lines[0];
}

}  // namespace
}  // namespace k2c
