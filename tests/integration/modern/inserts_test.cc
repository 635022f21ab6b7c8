// How bootstrap's inserts behave against ClickHouse 26.7 (chDB behind the
// test front end), for what the local 18.16 cannot show: per-value DEFAULTs
// through RowBinaryWithDefaults, a retried batch whose first answer was lost
// (insert_deduplication_token with non_replicated_deduplication_window),
// zstd and lz4 bodies, async inserts, CLICKHOUSE_SETTINGS, and a permanent
// error reported once, without retries.
#include <gtest/gtest.h>

#include "tests/integration/modern/modern.h"

namespace k2c::testing {
namespace {

constexpr const char* kStream = "arn:aws:kinesis:eu-west-1:123456789012:stream/modern";
constexpr const char* kNoFailures = "{\"batchItemFailures\":[]}";
const std::string kRetryFirst =
    "{\"batchItemFailures\":[{\"itemIdentifier\":"
    "\"495900010000000000000000000000000000000000000000\"}]}";

TEST_F(ModernTest, MissingValuesTakeTheirDefaultsPerValue) {
  query(
      "CREATE TABLE t (id UInt32, note String DEFAULT 'none', n UInt32 DEFAULT id * 10, "
      "x Nullable(String)) ENGINE = MergeTree ORDER BY id");
  put_route(kStream, "t");
  auto run = replay({event_file(kStream, {R"({"id":1,"note":"x","n":5,"x":"a"})", R"({"id":2})",
                                          R"({"id":3,"note":null,"n":null})"})});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(query("SELECT id, note, n, x FROM t ORDER BY id FORMAT TabSeparated"),
            "1\tx\t5\ta\n2\tnone\t20\t\\N\n3\tnone\t30\t\\N\n");
  auto inserts = inserts_log();
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_EQ(inserts[0]["format"], "RowBinaryWithDefaults");
}

TEST_F(ModernTest, RetriedBatchWhoseAnswerWasLostLandsOnce) {
  query(
      "CREATE TABLE t (id UInt32) ENGINE = MergeTree ORDER BY id "
      "SETTINGS non_replicated_deduplication_window = 100");
  put_route(kStream, "t");
  const std::string ev = event_file(kStream, {R"({"id":1})", R"({"id":2})", R"({"id":3})"});
  plan("lose\n");  // the first insert commits, then its connection closes unanswered
  // The same event twice: the client's own retry inside the first
  // invocation, then Lambda's retry of the whole batch.
  auto run = replay({ev, ev});
  ASSERT_EQ(run.exit_code, 0) << log_;
  ASSERT_EQ(run.results.size(), 2u) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(run.results[1]["body"], kNoFailures) << log_;
  EXPECT_EQ(query("SELECT count(), sum(id) FROM t FORMAT TabSeparated"), "3\t6\n");
  auto inserts = inserts_log();
  ASSERT_EQ(inserts.size(), 3u) << "the lost one, its retry, Lambda's retry";
  EXPECT_EQ(inserts[0]["fate"], "lose");
  const auto token = inserts[0]["settings"]["insert_deduplication_token"];
  ASSERT_TRUE(token.is_string());
  EXPECT_EQ(inserts[1]["settings"]["insert_deduplication_token"], token);
  EXPECT_EQ(inserts[2]["settings"]["insert_deduplication_token"], token);
}

TEST_F(ModernTest, ZstdLz4AndGzipBodiesLand) {
  int id = 0;
  for (const char* codec : {"zstd", "lz4", "gzip"}) {
    SCOPED_TRACE(codec);
    const std::string table = std::string("t_") + codec;
    query("CREATE TABLE " + table + " (id UInt32, s String) ENGINE = MergeTree ORDER BY id");
    put_route(kStream, table);
    std::vector<std::string> payloads;
    for (int i = 0; i < 200; ++i)
      payloads.push_back(R"({"id":)" + std::to_string(++id) +
                         R"(,"s":"row text that compresses\n\n"})");
    auto run = replay({event_file(kStream, payloads, codec)},
                      {std::string("CLICKHOUSE_COMPRESSION=") + codec});
    ASSERT_EQ(run.exit_code, 0) << log_;
    EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
    EXPECT_EQ(query("SELECT count(), countIf(s = 'row text that compresses\\n\\n') FROM " + table +
                    " FORMAT TabSeparated"),
              "200\t200\n");
  }
  auto inserts = inserts_log();
  ASSERT_EQ(inserts.size(), 3u);
  EXPECT_EQ(inserts[0]["encoding"], "zstd");
  EXPECT_EQ(inserts[1]["encoding"], "lz4");
  EXPECT_EQ(inserts[2]["encoding"], "gzip");
}

TEST_F(ModernTest, AsyncInsertsWaitAndDeduplicate) {
  query("CREATE TABLE t (id UInt32) ENGINE = MergeTree ORDER BY id");
  put_route(kStream, "t");
  auto run =
      replay({event_file(kStream, {R"({"id":1})", R"({"id":2})"})}, {"CLICKHOUSE_ASYNC_INSERT=1"});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(query("SELECT count() FROM t FORMAT TabSeparated"), "2\n");
  auto inserts = inserts_log();
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_EQ(inserts[0]["settings"]["async_insert"], "1");
  EXPECT_EQ(inserts[0]["settings"]["wait_for_async_insert"], "1");
  EXPECT_EQ(inserts[0]["settings"]["async_insert_deduplicate"], "1");
}

TEST_F(ModernTest, ConfiguredSettingsReachEveryInsert) {
  query("CREATE TABLE t (id UInt32) ENGINE = MergeTree ORDER BY id");
  put_route(kStream, "t");
  auto run = replay({event_file(kStream, {R"({"id":1})", "not json"})},
                    {"CLICKHOUSE_SETTINGS=max_insert_block_size=100000,log_comment=k2c test & co"});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  auto inserts = inserts_log();
  ASSERT_EQ(inserts.size(), 2u) << "the dead letter and the row";
  for (const auto& i : inserts) {
    EXPECT_EQ(i["settings"]["max_insert_block_size"], "100000");
    EXPECT_EQ(i["settings"]["log_comment"], "k2c test & co");
  }
}

TEST_F(ModernTest, UnknownConfiguredSettingFailsAtInitNamingTheVariable) {
  auto run = replay({event_file(kStream, {R"({"id":1})"})},
                    {"CLICKHOUSE_SETTINGS=max_insert_block_size=1,no_such_setting_k2c=1"});
  EXPECT_NE(run.exit_code, 0);
  ASSERT_FALSE(run.results.empty()) << log_;
  EXPECT_EQ(run.results[0]["outcome"], "init_error");
  const std::string body = run.results[0]["body"].get<std::string>();
  EXPECT_NE(body.find("CLICKHOUSE_SETTINGS"), std::string::npos) << body;
  EXPECT_NE(body.find("no_such_setting_k2c"), std::string::npos) << body;
}

TEST_F(ModernTest, PermanentErrorIsReportedOnceWithoutRetries) {
  // The route names a table that does not exist: DESCRIBE answers code 60.
  put_route(kStream, "missing");
  auto run = replay({event_file(kStream, {R"({"id":1})"})});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kRetryFirst) << log_;
  EXPECT_NE(log_.find("\"kind\":\"permanent\""), std::string::npos) << log_;
  EXPECT_NE(log_.find("UNKNOWN_TABLE"), std::string::npos) << log_;
  EXPECT_EQ(log_.find("attempts)"), std::string::npos)
      << "a permanent error is not retried: " << log_;
}

}  // namespace
}  // namespace k2c::testing
