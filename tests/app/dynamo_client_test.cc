// Unit tests of the GetItem request body and of how responses are judged.
// The wire (signing, dynalite) is covered by tests/integration.
#include "app/dynamo_client.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace k2c {
namespace {

constexpr const char* kArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders";

Result<std::optional<Route>> parse(long status, std::string_view body) {
  return parse_get_item_response(status, body, "routes", kArn);
}

TEST(GetItemBody, EscapesNamesAsJson) {
  auto body = nlohmann::json::parse(get_item_body("rou\"tes", "arn\\with\"quote"));
  EXPECT_EQ(body["TableName"], "rou\"tes");
  EXPECT_EQ(body["Key"]["stream_arn"]["S"], "arn\\with\"quote");
  EXPECT_EQ(body["ConsistentRead"], false);
}

TEST(GetItemResponse, NoItemIsNoRoute) {
  auto r = parse(200, "{}");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->has_value());
}

TEST(GetItemResponse, ItemWithTableAndDatabase) {
  auto r = parse(200, R"({"Item":{"stream_arn":{"S":"x"},"table":{"S":"orders"},
                              "database":{"S":"sales"}}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, (Route{"sales", "orders"}));
}

TEST(GetItemResponse, ItemWithoutDatabaseHasEmptyDatabase) {
  auto r = parse(200, R"({"Item":{"table":{"S":"orders"}}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(**r, (Route{"", "orders"}));
}

TEST(GetItemResponse, ItemWithoutTableIsPermanentAndNamesStream) {
  auto r = parse(200, R"({"Item":{"stream_arn":{"S":"x"}}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::permanent);
  EXPECT_NE(r.error().message.find(kArn), std::string::npos) << r.error().message;
}

TEST(GetItemResponse, NonStringTableIsPermanent) {
  auto r = parse(200, R"({"Item":{"table":{"N":"5"}}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::permanent);
}

TEST(GetItemResponse, InvalidTableIdentifierIsPermanentAndShowsName) {
  auto r = parse(200, R"({"Item":{"table":{"S":"orders; DROP TABLE x"}}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::permanent);
  EXPECT_NE(r.error().message.find("not a valid identifier"), std::string::npos);
  EXPECT_NE(r.error().message.find("orders; DROP TABLE x"), std::string::npos);
}

TEST(GetItemResponse, InvalidDatabaseIdentifierIsPermanent) {
  auto r = parse(200, R"({"Item":{"table":{"S":"orders"},"database":{"S":"my-db"}}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::permanent);
  EXPECT_NE(r.error().message.find("'my-db' is not a valid identifier"), std::string::npos)
      << r.error().message;
}

TEST(GetItemResponse, ServerErrorIsTransient) {
  EXPECT_EQ(parse(500, R"({"__type":"com.amazon.coral.service#InternalFailure"})").error().kind,
            ErrorKind::transient);
  EXPECT_EQ(parse(503, "Service Unavailable").error().kind, ErrorKind::transient);
  EXPECT_EQ(parse(429, "").error().kind, ErrorKind::transient);
}

TEST(GetItemResponse, ThrottlingIsTransient) {
  for (const char* type :
       {"ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded"}) {
    std::string body = std::string(R"({"__type":"com.amazonaws.dynamodb.v20120810#)") + type +
                       R"(","message":"slow down"})";
    auto r = parse(400, body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::transient) << type;
  }
}

TEST(GetItemResponse, MissingRoutesTableIsPermanentWithTypeAndMessage) {
  auto r = parse(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                          "message":"Requested resource not found"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::permanent);
  EXPECT_NE(r.error().message.find("ResourceNotFoundException"), std::string::npos);
  EXPECT_NE(r.error().message.find("Requested resource not found"), std::string::npos);
  EXPECT_NE(r.error().message.find("'routes'"), std::string::npos);
}

TEST(GetItemResponse, AuthFailureIsPermanent) {
  auto r = parse(400, R"({"__type":"com.amazon.coral.service#UnrecognizedClientException",
                          "Message":"The security token included in the request is invalid."})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::permanent);
  EXPECT_NE(r.error().message.find("UnrecognizedClientException"), std::string::npos);
  EXPECT_NE(r.error().message.find("security token included"), std::string::npos);
  EXPECT_EQ(parse(403, R"({"__type":"AccessDeniedException"})").error().kind, ErrorKind::permanent);
}

}  // namespace
}  // namespace k2c

namespace k2c {
namespace {

TEST(GetItemResponse, FormatAndTableFieldAreRead) {
  auto r = parse(200, R"({"Item":{"table":{"S":"logs"},"format":{"S":"text"}}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->format, PayloadFormat::text);
  r = parse(200, R"({"Item":{"table":{"S":"events"},"table_field":{"S":"kind"}}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)->format, PayloadFormat::json);
  EXPECT_EQ((*r)->table_field, "kind");
}

TEST(GetItemResponse, BadFormatOrTableFieldIsPermanent) {
  for (const char* body : {R"({"Item":{"table":{"S":"t"},"format":{"S":"csv"}}})",
                           R"({"Item":{"table":{"S":"t"},"format":{"N":"1"}}})",
                           R"({"Item":{"table":{"S":"t"},"table_field":{"S":"a b"}}})",
                           R"({"Item":{"table":{"S":"t"},"table_field":{"S":"k"},"format":{"S":"text"}}})"}) {
    auto r = parse(200, body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().kind, ErrorKind::permanent) << body;
  }
}

}  // namespace
}  // namespace k2c
