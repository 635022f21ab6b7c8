// TLS against real servers: the nodes of tools/cluster serve HTTPS with
// certificates issued by a CA that the script made with openssl at start
// (K2C_CA_FILE), which no system trust store knows. Node 1's certificate is
// for the host name `localhost`, node 2's for `other.k2c.invalid`.
//
// The function verifies the peer and the host name always; CLICKHOUSE_CA_FILE
// is how a user trusts a private CA. Refusals are connection failures: the
// batch is reported for retry and the log names the certificate problem.
#include <gtest/gtest.h>

#include "tests/cluster/cluster.h"

namespace k2c::testing {
namespace {

class TlsTest : public ClusterTest {
 protected:
  void SetUp() override {
    ClusterTest::SetUp();
    on(1, orders_ddl("orders", "MergeTree"));
    put_route(kOrdersStream, "orders");
    https_url_ = cluster_["K2C_CH1_HTTPS_URL"];  // https://localhost:PORT
    ca_file_ = cluster_["K2C_CA_FILE"];
  }
  std::string https_url_, ca_file_;
};

TEST_F(TlsTest, RowsLandOverHttpsWithTheCaFile) {
  auto run = replay({event("orders-batch.json")}, {"CLICKHOUSE_CA_FILE=" + ca_file_}, https_url_);
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kNoFailures) << log_;
  EXPECT_EQ(count_and_unique(1, "orders"), "100\t100\n");
}

TEST_F(TlsTest, WithoutTheCaFileTheServerIsRefusedAndTheBatchReportedForRetry) {
  auto run = replay({event("orders-batch.json")}, {}, https_url_);
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kRetryAll) << log_;
  // curl with OpenSSL: "SSL certificate problem: unable to get local issuer certificate".
  EXPECT_NE(log_.find("SSL certificate problem"), std::string::npos) << log_;
  EXPECT_EQ(count_and_unique(1, "orders"), "0\t0\n");
}

// A trusted certificate for another host name: node 2's names
// other.k2c.invalid, and the URL names localhost.
TEST_F(TlsTest, ACertificateForAnotherHostNameIsRefused) {
  auto run = replay({event("orders-batch.json")}, {"CLICKHOUSE_CA_FILE=" + ca_file_},
                    cluster_["K2C_CH2_HTTPS_URL"]);
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kRetryAll) << log_;
  // "SSL: no alternative certificate subject name matches target host name 'localhost'".
  EXPECT_NE(log_.find("subject name matches target host name 'localhost'"), std::string::npos)
      << log_;
  EXPECT_EQ(count_and_unique(1, "orders"), "0\t0\n");
}

// The same server reached by its address: the certificate names localhost
// only, not 127.0.0.1.
TEST_F(TlsTest, ACertificateThatDoesNotNameTheAddressIsRefused) {
  std::string by_address = https_url_;
  by_address.replace(by_address.find("localhost"), 9, "127.0.0.1");
  auto run = replay({event("orders-batch.json")}, {"CLICKHOUSE_CA_FILE=" + ca_file_}, by_address);
  ASSERT_EQ(run.exit_code, 0) << log_;
  EXPECT_EQ(run.results[0]["body"], kRetryAll) << log_;
  EXPECT_NE(log_.find("subject name matches target host name '127.0.0.1'"), std::string::npos)
      << log_;
  EXPECT_EQ(count_and_unique(1, "orders"), "0\t0\n");
}

}  // namespace
}  // namespace k2c::testing
