// End to end: sample events through the real bootstrap, under the local
// Runtime API emulator, into the real local ClickHouse, routed by dynalite.
#include <gtest/gtest.h>

#include <cmath>

#include "kinesis/base64.h"
#include "tests/integration/harness.h"
#include "tests/support/emf.h"

namespace k2c::testing {
namespace {

using nlohmann::json;

constexpr const char* kOrders = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
constexpr const char* kClicks = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks";

std::vector<json> json_lines(const std::string& body) {
  std::vector<json> rows;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(json::parse(line));
  return rows;
}

json decode_payload(const json& record) {
  std::string buf;
  size_t n = 0;
  EXPECT_TRUE(base64_decode(record["kinesis"]["data"].get<std::string>(), buf, 0, n));
  return json::parse(buf.substr(0, n));
}

TEST_F(BootstrapTest, SampleOrdersLandExactlyAsSent) {
  create_example_tables();
  put_route(kOrders, "orders");
  auto run = replay({event("orders-batch.json")});
  ASSERT_EQ(run.exit_code, 0) << log_;
  ASSERT_EQ(run.results.size(), 1u) << log_;
  EXPECT_EQ(run.results[0]["outcome"], "response") << log_;
  EXPECT_EQ(run.results[0]["body"], "{\"batchItemFailures\":[]}");

  const json event_json = json::parse(read_file(event("orders-batch.json")));
  auto rows = json_lines(query(
      "SELECT toString(order_id) AS id, toString(event_time) AS t, toString(customer_id) AS c, sku, "
      "quantity, toString(price) AS p, currency, toString(status) AS s, tags, coupon, discount, "
      "_stream_arn, _shard_id, _sequence_number, _partition_key, "
      "toUnixTimestamp(_approximate_arrival_timestamp) AS arrival "
      "FROM orders ORDER BY _sequence_number FORMAT JSONEachRow"));
  ASSERT_EQ(rows.size(), event_json["Records"].size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const json& rec = event_json["Records"][i];
    const json p = decode_payload(rec);
    const json& row = rows[i];
    SCOPED_TRACE(rec["kinesis"]["sequenceNumber"].get<std::string>());
    EXPECT_EQ(row["_sequence_number"], rec["kinesis"]["sequenceNumber"]);
    EXPECT_EQ(row["id"], p["order_id"]);
    // "2024-05-01T12:09:15.123Z" -> DateTime "2024-05-01 12:09:15" (UTC server).
    std::string t = p["event_time"].get<std::string>().substr(0, 19);
    t[10] = ' ';
    EXPECT_EQ(row["t"], t);
    EXPECT_EQ(row["c"], std::to_string(p["customer_id"].get<uint64_t>()));
    EXPECT_EQ(row["sku"], p["sku"]);
    EXPECT_EQ(row["quantity"], p["quantity"]);
    EXPECT_EQ(std::llround(std::stod(row["p"].get<std::string>()) * 100),
              std::llround(std::stod(p["price"].get<std::string>()) * 100));
    EXPECT_EQ(row["currency"], p["currency"]);
    EXPECT_EQ(row["s"], p["status"]);
    EXPECT_EQ(row["tags"], p["tags"]);
    EXPECT_EQ(row["coupon"], p["coupon"]);
    EXPECT_DOUBLE_EQ(row["discount"].get<double>(), 0.05) << "DEFAULT computed by the server";
    EXPECT_EQ(row["_stream_arn"], kOrders);
    EXPECT_EQ(row["_shard_id"], "shardId-000000000001");
    EXPECT_EQ(row["_partition_key"], rec["kinesis"]["partitionKey"]);
    EXPECT_EQ(row["arrival"].get<int64_t>(),
              static_cast<int64_t>(rec["kinesis"]["approximateArrivalTimestamp"].get<double>()));
  }
}

TEST_F(BootstrapTest, MixedBatchLandsGoodRowsAndDeadLettersTheRest) {
  create_example_tables();
  put_route(kClicks, "clicks");
  auto run = replay({event("clicks-mixed.json")});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], "{\"batchItemFailures\":[]}") << log_;
  EXPECT_EQ(query("SELECT user_id, toString(ts), page, duration_ms, score, session FROM clicks "
                  "ORDER BY _sequence_number FORMAT TSV"),
            "1\t2024-05-01 10:00:00\t/\t1200\t0.5\ts-1\n"
            "2\t2024-05-01 10:00:00\t/cart\t350\t1.25\t\\N\n"
            "-3\t2024-05-01 10:30:00\t/help\t10\t2\t\\N\n");
  EXPECT_EQ(query("SELECT substring(sequence_number, 45), shard_id, target_table, error_kind "
                  "FROM kinesis_dead_letter ORDER BY sequence_number FORMAT TSV"),
            "0001\tshardId-000000000002\t" + name_ + ".clicks\tinvalid_json\n"
            "0003\tshardId-000000000002\t" + name_ + ".clicks\tinvalid_base64\n"
            "0005\tshardId-000000000002\t" + name_ + ".clicks\tnot_an_object\n"
            "0006\tshardId-000000000002\t" + name_ + ".clicks\tvalue_rejected\n"
            "0007\tshardId-000000000002\t" + name_ + ".clicks\tvalue_rejected\n"
            "0008\tshardId-000000000002\t" + name_ + ".clicks\tinvalid_json\n");
  // raw_data keeps the decoded payload, or the base64 text when it did not decode.
  EXPECT_EQ(query("SELECT raw_data FROM kinesis_dead_letter WHERE error_kind = 'invalid_base64' "
                  "FORMAT TSV"),
            "not base64!\n");
  EXPECT_EQ(query("SELECT error_message FROM kinesis_dead_letter WHERE sequence_number LIKE "
                  "'%0007' FORMAT TSV"),
            "column `duration_ms`: expected an integer in range for UInt32, got -1\n");
}

TEST_F(BootstrapTest, PrintsParseableEmfLinesOnStdoutAndOnlyThere) {
  create_example_tables();
  put_route(kClicks, "clicks");
  auto run = replay({event("clicks-mixed.json")}, {"AWS_LAMBDA_FUNCTION_NAME=k2c-it"});
  ASSERT_EQ(run.exit_code, 0) << log_;
  auto lines = json_lines(stdout_);
  // The invocation, then one line per error kind of the dead letters.
  ASSERT_EQ(lines.size(), 1u + 4u) << stdout_;
  for (const auto& l : lines) expect_valid_emf(l);
  const json& inv = lines[0];
  EXPECT_EQ(inv["_aws"]["CloudWatchMetrics"][0]["Namespace"], "KinesisClickHouse");
  EXPECT_EQ(inv["FunctionName"], "k2c-it");
  EXPECT_EQ(inv["Table"], name_ + ".clicks");
  EXPECT_EQ(inv["Records"], 9);
  EXPECT_EQ(inv["Rows"], 3);
  EXPECT_EQ(inv["DeadLetters"], 6);
  EXPECT_EQ(inv["RetriesReported"], 0);
  EXPECT_EQ(inv["BytesIn"], read_file(event("clicks-mixed.json")).size());
  EXPECT_GT(inv["BytesSent"].get<int64_t>(), 0);
  EXPECT_GT(inv["IteratorAgeMs"].get<int64_t>(), 0) << "the sample's arrival times are past";
  std::map<std::string, int> by_kind;
  for (size_t i = 1; i < lines.size(); ++i)
    by_kind[lines[i]["ErrorKind"]] = lines[i]["DeadLetters"];
  EXPECT_EQ(
      by_kind,
      (std::map<std::string, int>{
          {"invalid_base64", 1}, {"invalid_json", 2}, {"not_an_object", 1}, {"value_rejected", 2}}))
      << stdout_;
  EXPECT_EQ(log_.find("\"_aws\""), std::string::npos) << "metrics went to stderr: " << log_;
}

TEST_F(BootstrapTest, WithMetricsOffStdoutStaysEmptyAndTheSummaryIsLogged) {
  create_example_tables();
  put_route(kOrders, "orders");
  auto run = replay({event("orders-batch.json")}, {"METRICS=off", "AWS_LAMBDA_LOG_FORMAT=Text"});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(stdout_, "");
  EXPECT_NE(log_.find("\tINFO\t100 records: 100 rows, 0 dead letters"), std::string::npos) << log_;
}

TEST_F(BootstrapTest, EmptyBatchAnswersNoFailures) {
  auto run = replay({event("empty-batch.json")});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["outcome"], "response");
  EXPECT_EQ(run.results[0]["body"], "{\"batchItemFailures\":[]}");
}

TEST_F(BootstrapTest, NonKinesisEventIsAnInvocationErrorAndTheProcessKeepsServing) {
  create_example_tables();
  put_route(kOrders, "orders");
  auto run = replay({event("not-kinesis.json"), event("orders-batch.json")});
  ASSERT_EQ(run.exit_code, 0) << log_;
  ASSERT_EQ(run.results.size(), 2u);
  EXPECT_EQ(run.results[0]["outcome"], "error");
  EXPECT_EQ(run.results[0]["error_type"], "Runtime.InvalidEvent");
  EXPECT_EQ(run.results[1]["outcome"], "response");
  EXPECT_TRUE(run.results[1]["cold_start_ms"].is_null()) << "bootstrap was restarted";
  EXPECT_EQ(query("SELECT count() FROM orders"), "100\n");
}

TEST_F(BootstrapTest, MissingRouteIsReportedForRetryNamingTheStream) {
  create_example_tables();
  auto run = replay({event("orders-batch.json")});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"],
            "{\"batchItemFailures\":[{\"itemIdentifier\":"
            "\"495900010000000000000000000000000000000000000000\"}]}");
  EXPECT_NE(log_.find(std::string("no route for stream ") + kOrders), std::string::npos) << log_;
  EXPECT_EQ(query("SELECT count() FROM orders"), "0\n");
}

TEST_F(BootstrapTest, UnreachableClickHouseIsReportedForRetryWithNothingWritten) {
  create_example_tables();
  put_route(kOrders, "orders");
  const std::string dead_url = "http://127.0.0.1:" + std::to_string(free_port());
  auto run = replay({event("orders-batch.json")}, {}, dead_url);
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"],
            "{\"batchItemFailures\":[{\"itemIdentifier\":"
            "\"495900010000000000000000000000000000000000000000\"}]}");
  EXPECT_EQ(query("SELECT count() FROM orders"), "0\n");
}

TEST_F(BootstrapTest, InvalidConfigurationIsAnInitErrorNamingTheVariable) {
  auto run = replay({event("empty-batch.json")}, {"ROUTE_CACHE_TTL_SECONDS=soon"});
  EXPECT_NE(run.exit_code, 0);
  ASSERT_FALSE(run.results.empty()) << log_;
  EXPECT_EQ(run.results[0]["outcome"], "init_error");
  EXPECT_NE(run.results[0]["body"].get<std::string>().find("ROUTE_CACHE_TTL_SECONDS"),
            std::string::npos);
}

TEST_F(BootstrapTest, PasswordNeverAppearsInLogs) {
  create_example_tables();
  put_route(kOrders, "orders");
  auto run = replay({event("orders-batch.json")}, {"CLICKHOUSE_PASSWORD=sup3r-s3cret-pw"});
  // The default user has no password: ClickHouse refuses, the batch is retried.
  EXPECT_NE(run.results[0]["body"], "{\"batchItemFailures\":[]}");
  EXPECT_EQ(log_.find("sup3r-s3cret-pw"), std::string::npos) << log_;
  EXPECT_EQ(stdout_.find("sup3r-s3cret-pw"), std::string::npos) << stdout_;
  EXPECT_EQ(run.results.dump().find("sup3r-s3cret-pw"), std::string::npos);
}

}  // namespace
}  // namespace k2c::testing
