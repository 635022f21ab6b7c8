// RouteClient against a real DynamoDB-compatible server (dynalite, started by
// the CTest fixture). Each test creates its own routes table, so tests do not
// depend on each other or on order. dynalite checks that requests are signed
// but not the signature itself; sigv4_test.cc covers that against botocore.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/dynamo_client.h"
#include "tests/integration/servers.h"

namespace k2c {
namespace {

using Json = nlohmann::json;

constexpr const char* kRegion = "us-east-1";
constexpr const char* kAccessKey = "AKIDLOCAL";
constexpr const char* kSecretKey = "local-secret-must-not-leak";
constexpr const char* kArn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";

Deadline ten_seconds() { return Deadline{now_epoch_ms() + 10000}; }

// A table name no other test (or earlier run against the same servers) uses.
std::string unique_table_name() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string("routes_") + info->name() + "_" + std::to_string(getpid()) + "_" +
         std::to_string(counter++);
}

class DynamoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::servers_env("K2C_DYNAMODB_URL");
    table_ = unique_table_name();
  }

  void TearDown() override {
    if (created_) call("DeleteTable", Json{{"TableName", table_}});
  }

  // One signed DynamoDB API call made by the test itself (the setup side).
  HttpResponse call(const std::string& target, const Json& body) {
    std::string text = body.dump();
    HttpRequest req;
    req.method = "POST";
    req.url = url_ + "/";
    req.headers = {"Content-Type: application/x-amz-json-1.0",
                   "X-Amz-Target: DynamoDB_20120810." + target};
    req.body = text;
    req.timeout_ms = 10000;
    req.aws_sigv4 = std::string("aws:amz:") + kRegion + ":dynamodb";
    req.aws_credentials = std::string(kAccessKey) + ":" + kSecretKey;
    auto resp = http_.perform(req);
    EXPECT_TRUE(resp.ok()) << target << ": " << resp.error().message;
    return resp.ok() ? *resp : HttpResponse{};
  }

  void create_routes_table() {
    Json body = {
        {"TableName", table_},
        {"AttributeDefinitions", {{{"AttributeName", "stream_arn"}, {"AttributeType", "S"}}}},
        {"KeySchema", {{{"AttributeName", "stream_arn"}, {"KeyType", "HASH"}}}},
        {"ProvisionedThroughput", {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 5}}}};
    auto resp = call("CreateTable", body);
    ASSERT_EQ(resp.status, 200) << resp.body;
    created_ = true;
    for (int i = 0; i < 200; ++i) {  // dynalite goes CREATING -> ACTIVE asynchronously
      auto d = call("DescribeTable", Json{{"TableName", table_}});
      if (Json::parse(d.body, nullptr, false).value("/Table/TableStatus"_json_pointer, "") ==
          "ACTIVE")
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "table " << table_ << " did not become ACTIVE";
  }

  void put_route(const std::string& arn, const Json& attributes) {
    Json item = attributes;
    item["stream_arn"] = {{"S", arn}};
    auto resp = call("PutItem", Json{{"TableName", table_}, {"Item", item}});
    ASSERT_EQ(resp.status, 200) << resp.body;
  }

  Config config(const std::string& endpoint) const {
    Config c;
    c.dynamodb_endpoint = endpoint;
    c.aws_region = kRegion;
    c.aws_access_key_id = kAccessKey;
    c.aws_secret_access_key = kSecretKey;
    c.routes_table = table_;
    return c;
  }
  Config config() const { return config(url_); }

  std::string url_;
  std::string table_;
  bool created_ = false;
  HttpClient http_;
};

TEST_F(DynamoTest, ReturnsRouteWithDatabase) {
  create_routes_table();
  put_route(kArn, {{"table", {{"S", "orders"}}}, {"database", {{"S", "sales"}}}});
  HttpClient http;
  RouteClient client(config(), http, Clock::system());
  auto route = client.get_route(kArn, ten_seconds());
  ASSERT_TRUE(route.ok()) << route.error().message;
  ASSERT_TRUE(route->has_value());
  EXPECT_EQ(**route, (Route{"sales", "orders"}));
}

TEST_F(DynamoTest, ReturnsRouteWithoutDatabase) {
  create_routes_table();
  put_route(kArn, {{"table", {{"S", "orders"}}}});
  HttpClient http;
  RouteClient client(config(), http, Clock::system());
  auto route = client.get_route(kArn, ten_seconds());
  ASSERT_TRUE(route.ok()) << route.error().message;
  ASSERT_TRUE(route->has_value());
  EXPECT_EQ(**route, (Route{"", "orders"}));
}

TEST_F(DynamoTest, WorksWithSessionToken) {
  create_routes_table();
  put_route(kArn, {{"table", {{"S", "orders"}}}});
  Config c = config();
  c.aws_session_token = "session-token-must-not-leak";
  HttpClient http;
  RouteClient client(c, http, Clock::system());
  auto route = client.get_route(kArn, ten_seconds());
  ASSERT_TRUE(route.ok()) << route.error().message;
  ASSERT_TRUE(route->has_value());
  EXPECT_EQ((*route)->table, "orders");
}

TEST_F(DynamoTest, MissingItemIsNoRoute) {
  create_routes_table();
  put_route(kArn, {{"table", {{"S", "orders"}}}});
  HttpClient http;
  RouteClient client(config(), http, Clock::system());
  auto route = client.get_route(kArn + std::string("-other"), ten_seconds());
  ASSERT_TRUE(route.ok()) << route.error().message;
  EXPECT_FALSE(route->has_value());
}

TEST_F(DynamoTest, ReusesClientAcrossLookups) {
  create_routes_table();
  put_route(kArn, {{"table", {{"S", "orders"}}}});
  HttpClient http;
  RouteClient client(config(), http, Clock::system());
  for (int i = 0; i < 3; ++i) {
    auto route = client.get_route(kArn, ten_seconds());
    ASSERT_TRUE(route.ok()) << route.error().message;
    ASSERT_TRUE(route->has_value());
  }
}

TEST_F(DynamoTest, InvalidTableIdentifierIsPermanent) {
  create_routes_table();
  put_route(kArn, {{"table", {{"S", "orders`; DROP TABLE x"}}}});
  HttpClient http;
  RouteClient client(config(), http, Clock::system());
  auto route = client.get_route(kArn, ten_seconds());
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().kind, ErrorKind::permanent);
  EXPECT_NE(route.error().message.find("not a valid identifier"), std::string::npos)
      << route.error().message;
  EXPECT_NE(route.error().message.find("orders`; DROP TABLE x"), std::string::npos);
}

TEST_F(DynamoTest, ItemWithoutTableIsPermanentAndNamesStream) {
  create_routes_table();
  put_route(kArn, {{"database", {{"S", "sales"}}}});
  HttpClient http;
  RouteClient client(config(), http, Clock::system());
  auto route = client.get_route(kArn, ten_seconds());
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().kind, ErrorKind::permanent);
  EXPECT_NE(route.error().message.find(kArn), std::string::npos) << route.error().message;
}

TEST_F(DynamoTest, MissingRoutesTableIsPermanentAndNamesIt) {
  // No create_routes_table(): the configured table does not exist.
  HttpClient http;
  RouteClient client(config(), http, Clock::system());
  auto route = client.get_route(kArn, ten_seconds());
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().kind, ErrorKind::permanent);
  EXPECT_NE(route.error().message.find(table_), std::string::npos) << route.error().message;
  EXPECT_NE(route.error().message.find("ResourceNotFoundException"), std::string::npos)
      << route.error().message;
  EXPECT_EQ(route.error().message.find(kSecretKey), std::string::npos);
}

TEST_F(DynamoTest, NothingListeningIsTransientAfterRetries) {
  HttpClient http;
  RouteClient client(config("http://127.0.0.1:" + std::to_string(testing::free_port())), http, Clock::system());
  auto start = std::chrono::steady_clock::now();
  auto route = client.get_route(kArn, ten_seconds());
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().kind, ErrorKind::transient);
  EXPECT_NE(route.error().message.find("after 3 attempts"), std::string::npos)
      << route.error().message;
  EXPECT_GE(elapsed, std::chrono::milliseconds(150));  // the 50 + 100 ms backoffs
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_EQ(route.error().message.find(kSecretKey), std::string::npos);
}

TEST_F(DynamoTest, DoesNotRetryPastTheDeadline) {
  HttpClient http;
  RouteClient client(config("http://127.0.0.1:" + std::to_string(testing::free_port())), http, Clock::system());
  // Less time left than the reserve: one fast attempt, no backoff.
  auto route = client.get_route(kArn, Deadline{now_epoch_ms() + 100});
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.error().kind, ErrorKind::transient);
  EXPECT_EQ(route.error().message.find("attempts"), std::string::npos) << route.error().message;
}

}  // namespace
}  // namespace k2c
