// Cluster-test harness: the real bootstrap under the emulator against the
// production-shaped ClickHouse of tools/cluster (ZooKeeper, two 18.16 nodes,
// HTTPS with a CA made at start, a dynalite for the routes).
//
// CTest's k2c_cluster fixture starts them before these tests and stops them
// by PID after; their addresses are in K2C_CLUSTER_ENV. Each test gets
// its own database on both nodes and its own routes table. Tests that stop a
// node start it again before they end (ClusterTest::TearDown makes sure).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <regex>
#include <string>
#include <thread>

#include "tests/integration/harness.h"

namespace k2c::testing {

constexpr const char* kOrdersStream = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
constexpr const char* kNoFailures = "{\"batchItemFailures\":[]}";
// events/orders-batch.json reported for retry from its first record.
inline const std::string kRetryAll =
    "{\"batchItemFailures\":[{\"itemIdentifier\":"
    "\"495900010000000000000000000000000000000000000000\"}]}";

// Polls until `done` holds, for at most `seconds`: a bounded wait for
// something asynchronous (a replica catching up, a Distributed send queue),
// never an assertion on how long it took.
inline bool wait_for(const std::function<bool()>& done, int seconds = 60) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

class ClusterTest : public BootstrapTest {
 protected:
  void SetUp() override {
    cluster_ = read_servers_env(K2C_CLUSTER_ENV);
    env_ = cluster_;
    dynamo_ = cluster_["K2C_DYNAMODB_URL"];
    node_url_[1] = cluster_["K2C_CH1_URL"];
    node_url_[2] = cluster_["K2C_CH2_URL"];
    url_ = node_url_[1];
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    name_ = std::string("t_") + info->test_suite_name() + "_" + info->name();
    for (auto& c : name_)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    for (int n : {1, 2}) {
      ch(node_url_[n], "DROP DATABASE IF EXISTS " + name_);
      ch(node_url_[n], "CREATE DATABASE " + name_);
    }
    routes_table_ = "routes-" + name_;
    ASSERT_EQ(dynamo_admin("create " + routes_table_), 0);
  }

  void TearDown() override {
    if (stopped_zookeeper_) start_zookeeper();
    for (int n : {1, 2})
      if (stopped_[n]) start_node(n);
  }

  // SQL on node n (1 or 2), in this test's database.
  std::string on(int n, const std::string& sql) { return ch(node_url_[n], sql, name_); }

  // schema/examples/orders.sql as `table`, with `engine` instead of MergeTree;
  // without its MATERIALIZED column when `materialized` is false.
  std::string orders_ddl(const std::string& table, const std::string& engine,
                         bool materialized = true) {
    std::string ddl = read_file(K2C_SOURCE_DIR "/schema/examples/orders.sql");
    ddl = std::regex_replace(ddl, std::regex("IF NOT EXISTS orders"), "IF NOT EXISTS " + table);
    if (!materialized)
      ddl = std::regex_replace(ddl, std::regex(",\\s*order_day Date MATERIALIZED [^\\n]*"), "");
    return std::regex_replace(ddl, std::regex("ENGINE = MergeTree"), "ENGINE = " + engine);
  }

  // A ZooKeeper path of this test's own, even when a test runs again on the
  // same cluster (the block hashes of a dropped table stay under its path).
  std::string zookeeper_path(const std::string& table) {
    return "/clickhouse/tables/" + name_ + "_" + std::to_string(::getpid()) + "_" +
           std::to_string(++tables_made_) + "/" + table;
  }

  // Every row of events/orders-batch.json is in `table` exactly once.
  std::string count_and_unique(int n, const std::string& table) {
    return on(n, "SELECT count(), uniqExact(_sequence_number) FROM " + table + " FORMAT TSV");
  }

  // Stop and start by PID, through tools/cluster (same data, same ports).
  void stop_node(int n) {
    ASSERT_EQ(cluster_command("stop", std::to_string(n)), 0);
    stopped_[n] = true;
  }
  void start_node(int n) {
    ASSERT_EQ(cluster_command("start", std::to_string(n)), 0);
    stopped_[n] = false;
  }
  void stop_zookeeper() {
    ASSERT_EQ(cluster_command("stop", "zookeeper"), 0);
    stopped_zookeeper_ = true;
  }
  void start_zookeeper() {
    ASSERT_EQ(cluster_command("start", "zookeeper"), 0);
    stopped_zookeeper_ = false;
  }
  int cluster_command(const std::string& verb, const std::string& what) {
    return run_command(cluster_script() + " " + verb + " " + cluster_["K2C_CLUSTER_DIR"] + " " +
                       what + " > /dev/null");
  }

  // A Distributed table's send queue on node n: files waiting to go to other
  // shards (18.16 has neither system.distribution_queue nor SYSTEM FLUSH
  // DISTRIBUTED). Empty once every block was delivered; -1 when the table's
  // directory is not where it should be, so that a wait on it fails.
  int pending_distributed_files(int n, const std::string& table) {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::path(cluster_[n == 1 ? "K2C_CH1_DATA" : "K2C_CH2_DATA"]) / "data" / name_ / table;
    if (!fs::is_directory(dir)) return -1;
    int files = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec))
      if (it->path().extension() == ".bin") ++files;
    return files;
  }

  static std::string cluster_script() { return K2C_SOURCE_DIR "/tools/cluster"; }

  ServersEnv cluster_;
  std::string node_url_[3];
  bool stopped_[3] = {false, false, false};
  bool stopped_zookeeper_ = false;
  int tables_made_ = 0;
};

}  // namespace k2c::testing
