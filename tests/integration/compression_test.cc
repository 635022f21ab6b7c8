// CLICKHOUSE_COMPRESSION against the real local ClickHouse (18.16): the real
// bootstrap, under the emulator, sends its inserts (through the loopback
// fault proxy, tests/integration/fault_proxy.py, which forwards them
// untouched and notes each one's Content-Encoding and Content-Length); the
// server decodes the body and the rows are read back.
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "tests/integration/fault_proxy.h"
#include "tests/integration/harness.h"

namespace k2c::testing {
namespace {

constexpr const char* kOrders = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";
constexpr const char* kClicks = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks";
constexpr const char* kNoFailures = "{\"batchItemFailures\":[]}";
const std::string kRetryAll =
    "{\"batchItemFailures\":[{\"itemIdentifier\":"
    "\"495900010000000000000000000000000000000000000000\"}]}";

// One line of the proxy's insert log.
struct Insert {
  std::string fate, encoding;
  size_t length = 0;
  std::string table;
};

std::vector<Insert> parse_inserts(const std::string& log) {
  std::vector<Insert> out;
  std::istringstream in(log);
  Insert i;
  while (in >> i.fate >> i.encoding >> i.length >> i.table) out.push_back(i);
  return out;
}

const Insert* find_table(const std::vector<Insert>& inserts, const std::string& table) {
  for (const Insert& i : inserts)
    if (i.table == table) return &i;
  return nullptr;
}

class CompressionTest : public BootstrapTest {
 protected:
  void SetUp() override {
    BootstrapTest::SetUp();
    create_example_tables();
    put_route(kOrders, "orders");
    put_route(kClicks, "clicks");
    proxy_ = std::make_unique<FaultProxy>(url_, ::testing::TempDir() + name_ + "-");
  }

  EmulatorRun replay_with(const std::string& codec, const std::vector<std::string>& events) {
    return replay(events, {"CLICKHOUSE_COMPRESSION=" + codec}, proxy_->url());
  }

  // Everything the sample batches write, in a stable order; the dead letters
  // without failed_at, the one value that depends on the clock.
  std::string landed() {
    return query("SELECT * FROM orders ORDER BY _sequence_number FORMAT TSV") +
           query("SELECT * FROM clicks ORDER BY _sequence_number FORMAT TSV") +
           query(
               "SELECT stream_arn, shard_id, sequence_number, partition_key, target_table, "
               "error_kind, error_message, raw_data FROM kinesis_dead_letter "
               "ORDER BY sequence_number FORMAT TSV");
  }

  std::pair<int, int> server_version() {
    std::istringstream v(query("SELECT version()"));
    int major = 0, minor = 0;
    char dot = 0;
    v >> major >> dot >> minor;
    return {major, minor};
  }

  std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(CompressionTest, GzipLandsExactlyTheRowsAndDeadLettersOfAnUncompressedRun) {
  const std::vector<std::string> events = {event("orders-batch.json"), event("clicks-mixed.json")};
  auto plain = replay_with("none", events);
  ASSERT_EQ(plain.exit_code, 0) << log_;
  ASSERT_EQ(plain.results.size(), 2u) << log_;
  EXPECT_EQ(plain.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(plain.results[1]["body"], kNoFailures) << log_;
  const std::string expected = landed();
  EXPECT_EQ(query("SELECT count() FROM orders"), "100\n");
  EXPECT_EQ(query("SELECT count() FROM clicks"), "3\n");
  EXPECT_EQ(query("SELECT count() FROM kinesis_dead_letter"), "6\n");
  const auto plain_inserts = parse_inserts(proxy_->inserts());

  // The same batches again, into empty tables, gzip-encoded.
  for (const char* t : {"orders", "clicks", "kinesis_dead_letter"})
    query("TRUNCATE TABLE " + std::string(t));
  ASSERT_EQ(query("SELECT count() FROM orders"), "0\n");
  proxy_->clear_inserts();
  auto gzip = replay_with("gzip", events);
  ASSERT_EQ(gzip.exit_code, 0) << log_;
  ASSERT_EQ(gzip.results.size(), 2u) << log_;
  EXPECT_EQ(gzip.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(gzip.results[1]["body"], kNoFailures) << log_;
  EXPECT_EQ(landed(), expected);

  // What went over the wire: the same three inserts (target tables and the
  // dead-letter table), without an encoding the first time and gzip-encoded
  // and smaller the second.
  const auto gzip_inserts = parse_inserts(proxy_->inserts());
  ASSERT_EQ(plain_inserts.size(), 3u) << proxy_->inserts();
  ASSERT_EQ(gzip_inserts.size(), 3u) << proxy_->inserts();
  for (const char* table : {"orders", "clicks", "kinesis_dead_letter"}) {
    SCOPED_TRACE(table);
    const Insert* p = find_table(plain_inserts, table);
    const Insert* g = find_table(gzip_inserts, table);
    ASSERT_TRUE(p != nullptr && g != nullptr);
    EXPECT_EQ(p->encoding, "-");
    EXPECT_EQ(g->encoding, "gzip");
    EXPECT_LT(g->length, p->length);
  }
  EXPECT_LT(find_table(gzip_inserts, "orders")->length * 3,
            find_table(plain_inserts, "orders")->length)
      << "the 100-order body compresses at least 3x";
}

TEST_F(CompressionTest, GzipBodyResetMidwayIsResentAsTheSameBytesAndLandsOnce) {
  proxy_->plan("reset\n");
  auto run = replay_with("gzip", {event("orders-batch.json")});
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(query("SELECT count(), uniqExact(_sequence_number) FROM orders FORMAT TSV"),
            "100\t100\n");
  const auto inserts = parse_inserts(proxy_->inserts());
  ASSERT_EQ(inserts.size(), 2u) << proxy_->inserts();
  EXPECT_EQ(inserts[0].fate, "reset");
  EXPECT_EQ(inserts[1].fate, "pass");
  for (const Insert& i : inserts) EXPECT_EQ(i.encoding, "gzip");
  EXPECT_EQ(inserts[0].length, inserts[1].length) << "the retry sends the body compressed once";
}

TEST_F(CompressionTest, ZstdAndLz4LandOnServersThatDecodeThemAndAreRetriedWhereRefused) {
  // zstd request bodies: ClickHouse 21.1 (PR #17144); lz4 frames: 21.10
  // (PR #25310). Older servers answer "Code: 89 ... Unknown Content-Encoding",
  // which retrying cannot fix: one attempt, then the batch is reported for
  // retry with nothing written. The local server is Debian's 18.16.
  // Straight to ClickHouse, not through the proxy: the proxy closes each
  // upstream connection, and 18.16 then answers a refused body with a reset
  // instead of its error (on a kept-alive connection, as here, it reads the
  // body first and answers 500 with the message).
  const auto version = server_version();
  const std::pair<const char*, std::pair<int, int>> codecs[] = {{"zstd", {21, 1}},
                                                                {"lz4", {21, 10}}};
  for (const auto& [codec, since] : codecs) {
    SCOPED_TRACE(codec);
    query("TRUNCATE TABLE orders");
    auto run =
        replay({event("orders-batch.json")}, {std::string("CLICKHOUSE_COMPRESSION=") + codec});
    ASSERT_EQ(run.exit_code, 0) << log_;
    if (version >= since) {
      EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
      EXPECT_EQ(query("SELECT count() FROM orders"), "100\n");
    } else {
      EXPECT_EQ(run.results[0]["body"], kRetryAll) << log_;
      // The server names the encoding it was sent, so the header went out.
      EXPECT_NE(log_.find(std::string("Unknown Content-Encoding of HTTP request: ") + codec),
                std::string::npos)
          << log_;
      EXPECT_NE(log_.find("\"kind\":\"permanent\""), std::string::npos) << log_;
      EXPECT_EQ(log_.find("attempts"), std::string::npos) << "retried in vain: " << log_;
      EXPECT_EQ(query("SELECT count() FROM orders"), "0\n");
    }
  }
}

}  // namespace
}  // namespace k2c::testing
