// Faults: what a real server cannot be made to show on demand (a reset in
// the middle of a body, a stall, a 503) comes from a loopback proxy in front
// of the real ClickHouse (tests/integration/fault_proxy.py); a ClickHouse
// outage is the real server killed by PID and restarted on the same data.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/integration/fault_proxy.h"
#include "tests/integration/harness.h"

namespace k2c::testing {
namespace {

using nlohmann::json;

constexpr const char* kOrders = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
constexpr const char* kNoFailures = "{\"batchItemFailures\":[]}";
const std::string kRetryAll =
    "{\"batchItemFailures\":[{\"itemIdentifier\":\"495900010000000000000000000000000000000000000000\"}]}";

class FaultTest : public BootstrapTest {
 protected:
  void SetUp() override {
    BootstrapTest::SetUp();
    create_example_tables();
    put_route(kOrders, "orders");
    proxy_ = std::make_unique<FaultProxy>(url_, ::testing::TempDir() + name_ + "-");
  }
  std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(FaultTest, ResetMidBodyIsRetriedInsideTheInvocation) {
  proxy_->plan("reset\n");
  auto run = replay({event("orders-batch.json")}, {}, proxy_->url());
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(query("SELECT count(), uniqExact(_sequence_number) FROM orders FORMAT TSV"), "100\t100\n");
  EXPECT_EQ(proxy_->remaining_plan(), "") << "the fault was injected";
}

TEST_F(FaultTest, PersistentResetIsReportedForRetryAndTheProcessStaysAlive) {
  proxy_->plan("reset*\n");
  auto run = replay({event("orders-batch.json"), event("empty-batch.json")}, {}, proxy_->url());
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kRetryAll) << log_;
  EXPECT_EQ(run.results[1]["body"], kNoFailures) << "the same process answers the next event";
  EXPECT_TRUE(run.results[1]["cold_start_ms"].is_null());
  EXPECT_EQ(query("SELECT count() FROM orders"), "0\n");
}

TEST_F(FaultTest, ServiceUnavailableIsRetriedThenReported) {
  proxy_->plan("503\n");
  auto once = replay({event("orders-batch.json")}, {}, proxy_->url());
  EXPECT_EQ(once.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(query("SELECT count() FROM orders"), "100\n");
  proxy_->plan("503*\n");
  auto always = replay({event("orders-batch.json")}, {}, proxy_->url());
  EXPECT_EQ(always.results[0]["body"], kRetryAll) << log_;
  EXPECT_NE(log_.find("503"), std::string::npos) << log_;
  EXPECT_EQ(query("SELECT count() FROM orders"), "100\n") << "nothing written twice";
}

TEST_F(FaultTest, StallIsAnsweredBeforeTheDeadline) {
  proxy_->plan("stall*\n");
  const std::string out = ::testing::TempDir() + name_ + "-stall.json";
  // A 3-second function timeout; the proxy holds the insert for 10 s.
  int rc = run_command("/usr/bin/python3 " K2C_SOURCE_DIR "/tools/emulator.py --bootstrap " K2C_BOOTSTRAP
                       " --timeout-ms 3000 --json-out " + out +
                       " --env CLICKHOUSE_URL=" + proxy_->url() + " --env CLICKHOUSE_DATABASE=" + name_ +
                       " --env ROUTES_TABLE=" + routes_table_ + " --env AWS_ENDPOINT_URL_DYNAMODB=" + dynamo_ +
                       " --env AWS_REGION=eu-west-1 --env AWS_ACCESS_KEY_ID=a --env AWS_SECRET_ACCESS_KEY=b " +
                       event("orders-batch.json") + " > " + out + ".log 2>&1");
  ASSERT_EQ(rc, 0) << read_file(out + ".log");
  json results = json::parse(read_file(out));
  // The emulator enforces the deadline (a late answer is Sandbox.Timedout):
  // a response here means the function answered before it, by itself.
  EXPECT_EQ(results[0]["outcome"], "response") << read_file(out + ".log");
  EXPECT_EQ(results[0]["body"], kRetryAll);
  EXPECT_EQ(query("SELECT count() FROM orders"), "0\n");
}

TEST_F(FaultTest, StoppedDynamoIsReportedForRetryWithAClearError) {
  auto run = replay({event("orders-batch.json")},
                    {"AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:" + std::to_string(free_port())});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kRetryAll);
  EXPECT_NE(log_.find("DynamoDB"), std::string::npos) << log_;
  EXPECT_EQ(query("SELECT count() FROM orders"), "0\n");
}

// A ClickHouse of its own, killed by PID and restarted on the same data dir.
TEST_F(BootstrapTest, ClickHouseOutageIsRetriedAndEveryRecordLandsOnceAfterRestart) {
  const std::string dir = ::testing::TempDir() + name_ + "-servers";
  const std::string servers = K2C_SOURCE_DIR "/tools/servers ";
  ASSERT_EQ(run_command(servers + "up " + dir + " > /dev/null"), 0);
  auto own = read_servers_env(dir + "/env");
  const std::string own_url = own["K2C_CLICKHOUSE_URL"];
  ch(own_url, "CREATE DATABASE " + name_);
  for (const char* f : {"orders.sql", "clicks.sql"})
    ch(own_url, read_file(std::string(K2C_SOURCE_DIR "/schema/examples/") + f), name_);
  put_route(kOrders, "orders");

  // Outage: every batch is reported for retry.
  ASSERT_EQ(kill(std::stoi(own["K2C_CLICKHOUSE_PID"]), SIGKILL), 0);
  auto during = replay({event("orders-batch.json"), event("orders-batch.json")}, {}, own_url);
  ASSERT_EQ(during.results.size(), 2u) << log_;
  EXPECT_EQ(during.results[0]["body"], kRetryAll) << log_;
  EXPECT_EQ(during.results[1]["body"], kRetryAll) << log_;

  // Restart on the same data; Lambda retries from the reported record.
  ASSERT_EQ(run_command(servers + "restart-clickhouse " + dir), 0);
  auto after = replay({event("orders-batch.json")}, {}, own_url);
  EXPECT_EQ(after.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(ch(own_url, "SELECT count(), uniqExact(_sequence_number) FROM orders FORMAT TSV", name_),
            "100\t100\n");
  run_command(servers + "down " + dir);
}

}  // namespace
}  // namespace k2c::testing
