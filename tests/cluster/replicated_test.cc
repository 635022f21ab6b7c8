// Replicated tables on real servers: a ReplicatedMergeTree table with one
// replica on each node of tools/cluster (ZooKeeper, ClickHouse 18.16).
//
// A lost answer comes from the fault proxy's "lose" fate: the whole insert
// reaches ClickHouse, which commits it and answers; the proxy then resets the
// connection instead of passing the answer on. The function retries an insert
// up to three times inside one invocation, so Lambda's retry is only reached
// when every insert answer of the first invocation is lost ("lose*").
//
// 18.16 has no insert_deduplication_token: what drops the retried rows is the
// block deduplication of Replicated*MergeTree (the hash of the inserted block,
// kept in ZooKeeper for the last replicated_deduplication_window blocks),
// which works because a retried batch is encoded to the same bytes.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/cluster/cluster.h"
#include "tests/integration/fault_proxy.h"

namespace k2c::testing {
namespace {

class ReplicatedTest : public ClusterTest {
 protected:
  // `orders` with a replica on each node.
  void create_replicated_orders() {
    const std::string engine =
        "ReplicatedMergeTree('" + zookeeper_path("orders") + "', '{replica}')";
    for (int n : {1, 2}) on(n, orders_ddl("orders", engine));
    put_route(kOrdersStream, "orders");
  }

  // Both replicas hold the same rows once node 2 has fetched what node 1 wrote.
  void expect_both_replicas_hold(const std::string& expected) {
    EXPECT_EQ(count_and_unique(1, "orders"), expected);
    EXPECT_TRUE(wait_for([&] { return count_and_unique(2, "orders") == expected; }))
        << "node 2 holds " << count_and_unique(2, "orders");
  }

  static size_t lines(const std::string& text) {
    std::istringstream in(text);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) n += !line.empty();
    return n;
  }
};

TEST_F(ReplicatedTest, LostAnswersAreReportedForRetryAndTheRetryLandsEveryRowOnce) {
  create_replicated_orders();
  FaultProxy proxy(node_url_[1], ::testing::TempDir() + name_ + "-");

  // Invocation 1: every insert is committed, every answer lost.
  proxy.plan("lose*\n");
  auto lost = replay({event("orders-batch.json")}, {}, proxy.url());
  ASSERT_EQ(lost.exit_code, 0) << log_;
  EXPECT_EQ(lost.results[0]["body"], kRetryAll) << log_;
  ASSERT_GE(lines(proxy.inserts()), 1u) << "the insert reached the proxy";
  EXPECT_EQ(count_and_unique(1, "orders"), "100\t100\n")
      << "ClickHouse committed the insert whose answer was lost";

  // Lambda's retry of the same records: answered, nothing written twice.
  proxy.plan("");
  auto retry = replay({event("orders-batch.json")}, {}, proxy.url());
  EXPECT_EQ(retry.results[0]["body"], kNoFailures) << log_;
  expect_both_replicas_hold("100\t100\n");

  // A retry that reaches the other replica (a load balancer in front of the
  // cluster) is deduplicated too: the block hashes are the table's, in ZooKeeper.
  auto elsewhere = replay({event("orders-batch.json")}, {}, node_url_[2]);
  EXPECT_EQ(elsewhere.results[0]["body"], kNoFailures) << log_;
  expect_both_replicas_hold("100\t100\n");
}

// The contrast that makes the table in docs/production.md: the same lost
// answers on a plain MergeTree table of 18.16 (no deduplication of any kind)
// leave every committed attempt in the table. At least once, not exactly once.
TEST_F(ReplicatedTest, LostAnswersOnAPlainMergeTreeTableLeaveEveryCommittedAttempt) {
  on(1, orders_ddl("orders", "MergeTree"));
  put_route(kOrdersStream, "orders");
  FaultProxy proxy(node_url_[1], ::testing::TempDir() + name_ + "-");
  proxy.plan("lose*\n");
  auto lost = replay({event("orders-batch.json")}, {}, proxy.url());
  EXPECT_EQ(lost.results[0]["body"], kRetryAll) << log_;
  proxy.plan("");
  auto retry = replay({event("orders-batch.json")}, {}, proxy.url());
  EXPECT_EQ(retry.results[0]["body"], kNoFailures) << log_;

  const size_t attempts = lines(proxy.inserts());  // each one reached ClickHouse and was committed
  EXPECT_GE(attempts, 2u) << proxy.inserts();
  EXPECT_EQ(count_and_unique(1, "orders"), std::to_string(100 * attempts) + "\t100\n")
      << proxy.inserts();
}

TEST_F(ReplicatedTest, InsertsLandWithOneReplicaStoppedAndItCatchesUpWhenStarted) {
  create_replicated_orders();
  stop_node(2);
  auto run = replay({event("orders-batch.json")});
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(count_and_unique(1, "orders"), "100\t100\n");

  start_node(2);
  expect_both_replicas_hold("100\t100\n");
}

// Without ZooKeeper a replicated table is read-only ("Code: 242 ... Table is in
// readonly mode"): nothing is written and the batch is reported for retry.
// Once ZooKeeper is back on its data and the replicas have reconnected (the
// table is writable again), Lambda's retry lands every row once.
TEST_F(ReplicatedTest, WithZooKeeperStoppedTheBatchIsReportedForRetryAndLandsOnceWhenItIsBack) {
  create_replicated_orders();
  stop_zookeeper();
  auto during = replay({event("orders-batch.json")});
  EXPECT_EQ(during.results[0]["body"], kRetryAll) << log_;
  EXPECT_EQ(count_and_unique(1, "orders"), "0\t0\n");

  start_zookeeper();
  const std::string writable =
      "SELECT is_readonly FROM system.replicas WHERE database = '" + name_ + "' FORMAT TSV";
  ASSERT_TRUE(wait_for([&] { return on(1, writable) == "0\n"; })) << on(1, writable);
  auto after = replay({event("orders-batch.json")});
  EXPECT_EQ(after.results[0]["body"], kNoFailures) << log_;
  expect_both_replicas_hold("100\t100\n");
}

}  // namespace
}  // namespace k2c::testing
