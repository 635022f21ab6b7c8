// Distributed tables on real servers: `orders` on node 1 is a Distributed
// table over the cluster k2c_two_shards (shard 1 = node 1, shard 2 = node 2)
// and a local table `orders_local` on each node, sharded by a hash of the
// sequence number (deterministic: the same batch splits the same way).
//
// Inserts are asynchronous (insert_distributed_sync=0, the default): node 1
// writes the rows of its own shard at once and queues the others as files
// that it sends in the background. 18.16 has no SYSTEM FLUSH DISTRIBUTED and
// no system.distribution_queue, so the tests wait, bounded, for that queue
// directory to empty, and only then count.
//
// The local tables have no MATERIALIZED column: an 18.16 Distributed table
// over one refuses every insert, even one that names only the other columns
// ("Code: 44 ... Cannot insert column order_day, because it is MATERIALIZED
// column"; it computes the column itself, then forwards it). That is the
// server's limit, documented in docs/production.md.
#include <gtest/gtest.h>

#include "tests/cluster/cluster.h"
#include "tests/integration/fault_proxy.h"

namespace k2c::testing {
namespace {

class DistributedTest : public ClusterTest {
 protected:
  // `orders_local` on both nodes with `local_engine` (and without the
  // MATERIALIZED column unless asked), `orders` on node 1.
  void create_distributed_orders(const std::string& local_engine, bool materialized = false) {
    for (int n : {1, 2}) on(n, orders_ddl("orders_local", local_engine, materialized));
    on(1, "CREATE TABLE orders AS orders_local ENGINE = Distributed(" +
              cluster_["K2C_CLUSTER_NAME"] + ", " + name_ +
              ", orders_local, cityHash64(_sequence_number))");
    put_route(kOrdersStream, "orders");
  }

  void wait_until_sent() {
    ASSERT_TRUE(wait_for([&] { return pending_distributed_files(1, "orders") == 0; }))
        << pending_distributed_files(1, "orders") << " blocks still queued on node 1";
  }

  // Every row once across the shards (count = distinct sequence numbers =
  // 100, read through the Distributed table), and each shard holds some.
  void expect_every_row_once_across_the_shards() {
    EXPECT_EQ(count_and_unique(1, "orders"), "100\t100\n");
    const int shard1 = std::stoi(on(1, "SELECT count() FROM orders_local"));
    const int shard2 = std::stoi(on(2, "SELECT count() FROM orders_local"));
    EXPECT_EQ(shard1 + shard2, 100);
    EXPECT_GT(shard1, 0);
    EXPECT_GT(shard2, 0);
  }
};

TEST_F(DistributedTest, InsertLandsEveryRowOnceAcrossTheShards) {
  create_distributed_orders("MergeTree");
  auto run = replay({event("orders-batch.json")});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  wait_until_sent();
  expect_every_row_once_across_the_shards();
}

// Shards whose local tables are Replicated*MergeTree (one replica each here)
// deduplicate a retried batch: the Distributed table splits the same bytes
// into the same per-shard blocks, and each shard drops the blocks it has.
TEST_F(DistributedTest, LostAnswersOverReplicatedShardsLandEveryRowOnce) {
  create_distributed_orders("ReplicatedMergeTree('" + zookeeper_path("orders_local") +
                            "/{shard}', '{replica}')");
  FaultProxy proxy(node_url_[1], ::testing::TempDir() + name_ + "-");
  proxy.plan("lose*\n");
  auto lost = replay({event("orders-batch.json")}, {}, proxy.url());
  EXPECT_EQ(lost.results[0]["body"], kRetryAll) << log_;
  proxy.plan("");
  auto retry = replay({event("orders-batch.json")}, {}, proxy.url());
  EXPECT_EQ(retry.results[0]["body"], kNoFailures) << log_;
  wait_until_sent();
  expect_every_row_once_across_the_shards();
}

// A shard that is down does not fail the insert: node 1 writes its own
// shard's rows, queues the other shard's, and delivers them once it is back.
TEST_F(DistributedTest, WithAShardStoppedTheInsertIsQueuedAndDeliveredWhenItIsBack) {
  create_distributed_orders("MergeTree");
  stop_node(2);
  auto run = replay({event("orders-batch.json")});
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  const int shard1 = std::stoi(on(1, "SELECT count() FROM orders_local"));
  EXPECT_GT(shard1, 0);
  EXPECT_LT(shard1, 100);
  EXPECT_GT(pending_distributed_files(1, "orders"), 0) << "node 2's rows wait in the queue";

  start_node(2);
  wait_until_sent();
  expect_every_row_once_across_the_shards();
}

// The 18.16 limit above, as the function meets it: nothing is written, the
// batch is reported for retry, and the log names the server's reason.
TEST_F(DistributedTest, OverAMaterializedColumnThe1816ServerRefusesAndTheBatchIsReportedForRetry) {
  create_distributed_orders("MergeTree", /*materialized=*/true);
  auto run = replay({event("orders-batch.json")});
  EXPECT_EQ(run.results[0]["body"], kRetryAll) << log_;
  EXPECT_NE(log_.find("because it is MATERIALIZED column"), std::string::npos) << log_;
  EXPECT_EQ(count_and_unique(1, "orders"), "0\t0\n");
}

}  // namespace
}  // namespace k2c::testing
