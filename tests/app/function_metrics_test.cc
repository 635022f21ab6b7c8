// The metrics Function writes on its metrics sink (stdout under Lambda):
// Embedded Metric Format lines, parsed as JSON and checked against the
// specification's required structure (tests/support/emf.h), then for their
// numbers. The fake clock moves only while the client backs off, so durations
// are exact; no test reads the wall clock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/app/function_harness.h"
#include "tests/support/emf.h"

namespace k2c {
namespace {

using nlohmann::json;
using testing::event;
using testing::expect_valid_emf;
using testing::Harness;
using testing::url_decoded;

std::vector<json> parsed(const std::vector<std::string>& lines) {
  std::vector<json> out;
  for (const auto& l : lines) {
    json j = json::parse(l, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << l;
    out.push_back(std::move(j));
  }
  return out;
}

json dimension_sets(const json& doc) { return doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"]; }

// The bytes of every distinct INSERT the fake ClickHouse received: a retried
// insert sends the same URL and body again, and counts once.
uint64_t insert_body_bytes(const Harness& h) {
  std::set<std::pair<std::string, std::string>> inserts;
  for (const auto& r : h.clickhouse.requests)
    if (url_decoded(r.url).find("INSERT INTO") != std::string::npos)
      inserts.insert({r.url, r.body});
  uint64_t n = 0;
  for (const auto& [url, body] : inserts) n += body.size();
  return n;
}

TEST(FunctionMetrics, ABatchOfOneTableIsOneLineWithTheTableDimension) {
  Harness h({{"AWS_LAMBDA_FUNCTION_NAME", "k2c-prod"}});
  auto inv =
      event({{"orders", "1", R"({"id":1})"}, {"orders", "2", R"({"id":2})"}}, h.in_seconds(60));
  ASSERT_TRUE(h.function.handle(inv).ok());
  ASSERT_EQ(h.metrics.lines.size(), 1u);
  const json doc = json::parse(h.metrics.lines[0]);
  expect_valid_emf(doc);
  const auto& directive = doc["_aws"]["CloudWatchMetrics"][0];
  EXPECT_EQ(directive["Namespace"], "KinesisClickHouse");
  EXPECT_EQ(dimension_sets(doc), json::parse(R"([["FunctionName"],["FunctionName","Table"]])"));
  EXPECT_EQ(doc["FunctionName"], "k2c-prod");
  EXPECT_EQ(doc["Table"], "default.orders");
  EXPECT_EQ(doc["_aws"]["Timestamp"], h.clock.epoch_ms());
  EXPECT_EQ(testing::emf_units_of(doc),
            (std::map<std::string, std::string>{{"Records", "Count"},
                                                {"Rows", "Count"},
                                                {"DeadLetters", "Count"},
                                                {"RetriesReported", "Count"},
                                                {"IteratorAgeMs", "Milliseconds"},
                                                {"DurationMs", "Milliseconds"},
                                                {"CpuMs", "Milliseconds"},
                                                {"BytesIn", "Bytes"},
                                                {"BytesSent", "Bytes"}}));
  EXPECT_EQ(doc["Records"], 2);
  EXPECT_EQ(doc["Rows"], 2);
  EXPECT_EQ(doc["DeadLetters"], 0);
  EXPECT_EQ(doc["RetriesReported"], 0);
  EXPECT_EQ(doc["BytesIn"], inv.body.size());
  EXPECT_EQ(doc["BytesSent"], insert_body_bytes(h));
  // The human-readable fields and Lambda's JSON log keys share the line.
  EXPECT_EQ(doc["records"], 2);
  EXPECT_TRUE(doc["ms"].is_number());
  EXPECT_TRUE(doc["cpu_ms"].is_number());
  EXPECT_EQ(doc["written"][0]["table"], "default.orders");
  EXPECT_EQ(doc["written"][0]["rows"], 2);
  EXPECT_EQ(doc["level"], "INFO");
  EXPECT_EQ(doc["requestId"], "req-1");
  EXPECT_TRUE(doc["timestamp"].is_string());
  EXPECT_TRUE(h.log.lines.empty()) << "the summary is the metrics line, not a log line";
}

TEST(FunctionMetrics, GoodBadAndRetriedRecordsCarryTheRightNumbers) {
  Harness h;
  h.server.failing_inserts = {"clicks"};
  auto inv = event({{"orders", "1", R"({"id":1})", "1699999990.250"},
                    {"orders", "2", "not json", "1699999995"},
                    {"clicks", "3", R"({"id":3})", "1699999999.9"},
                    {"orders", "4", "[1,2]", "1699999996"},
                    {"orders", "5", R"({"id":5})", "1699999997"},
                    {"clicks", "6", R"({"id":6})", "1699999998"},
                    {"orders", "7", "{\"id\":", "1699999999"}},
                   h.in_seconds(60));
  const int64_t received_ms = h.clock.epoch_ms();
  auto answer = h.function.handle(inv);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[{"itemIdentifier":"3"}]})");

  const auto docs = parsed(h.metrics.lines);
  // The invocation, one line per table (the batch spans two), one per error kind.
  ASSERT_EQ(docs.size(), 1u + 2u + 2u);
  for (const auto& d : docs) expect_valid_emf(d);

  const json& all = docs[0];
  EXPECT_EQ(dimension_sets(all), json::parse(R"([["FunctionName"]])"));
  EXPECT_FALSE(all.contains("Table"));
  EXPECT_EQ(all["Records"], 7);
  EXPECT_EQ(all["Rows"], 2);
  EXPECT_EQ(all["DeadLetters"], 3);
  EXPECT_EQ(all["RetriesReported"], 1);
  EXPECT_EQ(all["IteratorAgeMs"], received_ms - 1'699'999'990'250);
  // Only the client's backoff moved the fake clock.
  EXPECT_EQ(all["DurationMs"], h.clock.slept_ms);
  EXPECT_EQ(all["CpuMs"], 0);
  EXPECT_EQ(all["BytesIn"], inv.body.size());
  EXPECT_EQ(all["BytesSent"], insert_body_bytes(h));
  EXPECT_EQ(all["written"].size(), 1u) << "only the orders table was written";

  const json& orders = docs[1];
  EXPECT_EQ(dimension_sets(orders), json::parse(R"([["FunctionName","Table"]])"));
  EXPECT_EQ(orders["Table"], "default.orders");
  EXPECT_EQ(orders["Records"], 5);
  EXPECT_EQ(orders["Rows"], 2);
  EXPECT_EQ(orders["DeadLetters"], 3);
  EXPECT_EQ(orders["RetriesReported"], 0);
  const json& clicks = docs[2];
  EXPECT_EQ(clicks["Table"], "default.clicks");
  EXPECT_EQ(clicks["Records"], 2);
  EXPECT_EQ(clicks["Rows"], 0);
  EXPECT_EQ(clicks["RetriesReported"], 1);
  EXPECT_GT(clicks["BytesSent"].get<int64_t>(), 0) << "the failed insert was sent";
  EXPECT_EQ(orders["BytesSent"].get<uint64_t>() + clicks["BytesSent"].get<uint64_t>(),
            all["BytesSent"].get<uint64_t>());

  std::map<std::string, int> by_kind;
  for (size_t i = 3; i < docs.size(); ++i) {
    EXPECT_EQ(dimension_sets(docs[i]), json::parse(R"([["FunctionName","ErrorKind"]])"));
    by_kind[docs[i]["ErrorKind"]] = docs[i]["DeadLetters"];
  }
  EXPECT_EQ(by_kind, (std::map<std::string, int>{{"invalid_json", 2}, {"not_an_object", 1}}));
}

TEST(FunctionMetrics, ARetriedBatchCountsEachDeadLetterOnce) {
  Harness h;
  h.server.failing_inserts = {"orders"};
  const auto batch =
      std::vector<testing::Rec>{{"orders", "1", R"({"id":1})"}, {"orders", "2", "not json"}};
  ASSERT_TRUE(h.function.handle(event(batch, h.in_seconds(60))).ok());
  auto first = json::parse(h.metrics.lines.at(0));
  EXPECT_EQ(first["DeadLetters"], 1) << "written before the target insert failed";
  EXPECT_EQ(first["RetriesReported"], 1);
  EXPECT_EQ(first["Rows"], 0);

  // Lambda retries; the dead letter is in the table already and is not written again.
  h.server.failing_inserts.clear();
  h.server.dead_letters_found = "2\n";
  h.metrics.lines.clear();
  ASSERT_TRUE(h.function.handle(event(batch, h.in_seconds(60))).ok());
  ASSERT_EQ(h.metrics.lines.size(), 1u) << "no dead letter written: no ErrorKind line";
  auto second = json::parse(h.metrics.lines[0]);
  EXPECT_EQ(second["DeadLetters"], 0);
  EXPECT_EQ(second["Rows"], 1);
  EXPECT_EQ(second["RetriesReported"], 0);
}

TEST(FunctionMetrics, IteratorAgeIsLeftOutWhenNoRecordHasAnArrivalTime) {
  Harness h;
  ASSERT_TRUE(
      h.function.handle(event({{"orders", "1", R"({"id":1})", ""}}, h.in_seconds(60))).ok());
  const json doc = json::parse(h.metrics.lines.at(0));
  expect_valid_emf(doc);
  EXPECT_FALSE(doc.contains("IteratorAgeMs"));
  EXPECT_EQ(testing::emf_units_of(doc).count("IteratorAgeMs"), 0u);
}

TEST(FunctionMetrics, AnArrivalTimeAheadOfOurClockIsAnAgeOfZero) {
  Harness h;
  ASSERT_TRUE(
      h.function.handle(event({{"orders", "1", R"({"id":1})", "1700000003"}}, h.in_seconds(60)))
          .ok());
  EXPECT_EQ(json::parse(h.metrics.lines.at(0))["IteratorAgeMs"], 0);
}

TEST(FunctionMetrics, AnEmptyBatchStillReportsItsInvocation) {
  Harness h;
  Invocation inv = event({}, h.in_seconds(60));
  ASSERT_TRUE(h.function.handle(inv).ok());
  const json doc = json::parse(h.metrics.lines.at(0));
  expect_valid_emf(doc);
  EXPECT_EQ(doc["Records"], 0);
  EXPECT_EQ(doc["RetriesReported"], 0);
}

TEST(FunctionMetrics, TheNamespaceComesFromMetricsNamespace) {
  Harness h({{"METRICS_NAMESPACE", "Team/Ingest"}});
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  EXPECT_EQ(json::parse(h.metrics.lines.at(0))["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "Team/Ingest");
}

TEST(FunctionMetrics, WithMetricsOffTheSummaryIsAnInfoLogLine) {
  Harness h({{"METRICS", "off"}});
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  EXPECT_TRUE(h.metrics.lines.empty());
  ASSERT_EQ(h.log.lines.size(), 1u);
  const json doc = json::parse(h.log.lines[0]);
  EXPECT_FALSE(doc.contains("_aws"));
  EXPECT_EQ(doc["level"], "INFO");
  EXPECT_EQ(doc["records"], 1);
  EXPECT_EQ(doc["written"][0]["rows"], 1);
}

TEST(FunctionMetrics, TheMetricsLineIsJsonWhateverTheLogFormat) {
  Harness h({{"AWS_LAMBDA_LOG_FORMAT", "Text"}, {"AWS_LAMBDA_LOG_LEVEL", "FATAL"}});
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  ASSERT_EQ(h.metrics.lines.size(), 1u);
  expect_valid_emf(json::parse(h.metrics.lines[0]));
}

}  // namespace
}  // namespace k2c
