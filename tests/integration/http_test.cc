// HttpClient against the real local ClickHouse: response bodies keep
// kResponsePadding spare bytes of capacity, so the envelope decoder can parse
// an event where the runtime received it instead of copying it.
#include <gtest/gtest.h>

#include <string>

#include "http/http.h"
#include "tests/integration/servers.h"

namespace k2c {
namespace {

Result<HttpResponse> select(HttpClient& http, const std::string& query) {
  HttpRequest req;
  req.url = testing::servers_env("K2C_CLICKHOUSE_URL") + "/?query=" + url_encode(query);
  req.timeout_ms = 10000;
  return http.perform(req);
}

TEST(HttpClient, ResponseBodiesKeepSpareCapacityForInPlaceParsing) {
  HttpClient http;
  // One small body, and one that arrives in many write callbacks.
  for (const char* query : {"SELECT 1", "SELECT number FROM system.numbers LIMIT 200000"}) {
    auto r = select(http, query);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->status, 200) << r->body;
    ASSERT_FALSE(r->body.empty());
    EXPECT_GE(r->body.capacity(), r->body.size() + kResponsePadding) << query;
  }
  auto big = select(http, "SELECT number FROM system.numbers LIMIT 200000");
  ASSERT_TRUE(big.ok());
  EXPECT_GT(big->body.size(), 1000000u);  // 0..199999, one per line
  EXPECT_TRUE(big->body.starts_with("0\n1\n2\n"));
  EXPECT_TRUE(big->body.ends_with("199999\n"));
}

}  // namespace
}  // namespace k2c
