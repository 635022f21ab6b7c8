// Harness of the ClickHouse 26.7 tests: BootstrapTest (tests/integration/
// harness.h) pointed at the chDB front end (front_end.js, started by the
// k2c_modern CTest fixture, with a dynalite of its own: K2C_SERVERS_ENV is
// that fixture's env file here).
//
// Also the engine as an oracle: engine_bytes() runs a query and returns its
// answer's bytes (SELECT ... FORMAT RowBinary: the engine's own encoding),
// decode() reads bytes we made with the engine's RowBinary reader (via
// INSERT into a table and a SELECT of the values as text), and event() writes
// a Kinesis event file of JSON payloads for bootstrap.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "http/http.h"
#include "tests/integration/harness.h"
#include "tests/support/base64_encode.h"

namespace k2c::testing {

inline ServersEnv modern_env() { return read_servers_env(K2C_MODERN_ENV); }

// One HTTP request to the engine; the answer as it came.
inline HttpResponse engine_request(const std::string& url_query, std::string_view body,
                                   const std::vector<std::string>& headers = {}) {
  static const std::string url = modern_env()["K2C_MODERN_URL"];
  HttpClient http;
  HttpRequest req;
  req.method = "POST";
  req.url = url + "/" + url_query;
  req.headers = headers;
  req.body = body;
  req.timeout_ms = 60000;
  auto r = http.perform(req);
  if (!r.ok()) {
    ADD_FAILURE() << "engine unreachable: " << r.error().message;
    return {};
  }
  return std::move(r).value();
}

// The answer's body of a statement that must succeed.
inline std::string engine(const std::string& sql) {
  HttpResponse r = engine_request("", sql);
  EXPECT_EQ(r.status, 200) << sql << "\n" << r.body;
  return r.body;
}

class ModernTest : public BootstrapTest {
 protected:
  void SetUp() override {
    env_ = modern_env();
    dynamo_ = env_["K2C_DYNAMODB_URL"];
    modern_ = env_;
    url_ = modern_["K2C_MODERN_URL"];
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    name_ = std::string("m_") + info->name();
    for (auto& c : name_)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    ch(url_, "DROP DATABASE IF EXISTS " + name_);
    ch(url_, "CREATE DATABASE " + name_);
    routes_table_ = "routes-" + name_;
    ASSERT_EQ(dynamo_admin("create " + routes_table_), 0);
  }

  // A Kinesis event of one record per payload on stream `arn`, written to a
  // file; returns its path.
  std::string event_file(const std::string& arn, const std::vector<std::string>& payloads,
                         const std::string& tag = "") {
    std::string body = R"({"Records":[)";
    for (size_t i = 0; i < payloads.size(); ++i) {
      const std::string seq = "4959000100000000000000000000000000000000000000" +
                              std::string(i < 10 ? "0" : "") + std::to_string(i);
      if (i) body += ",";
      body += R"({"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"pk","sequenceNumber":")" +
              seq + R"(","data":")" + base64_encode(payloads[i]) +
              R"(","approximateArrivalTimestamp":1700000000.5},"eventSource":"aws:kinesis",)"
              R"("eventVersion":"1.0","eventID":"shardId-000000000000:)" +
              seq +
              R"(","eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::1:role/r",)"
              R"("awsRegion":"eu-west-1","eventSourceARN":")" +
              arn + R"("})";
    }
    body += "]}";
    const std::string path = ::testing::TempDir() + name_ + tag + "-event.json";
    std::ofstream(path, std::ios::binary) << body;
    return path;
  }

  // The JSON lines of the inserts the front end ran, for this test's database.
  std::vector<nlohmann::json> inserts_log() {
    std::vector<nlohmann::json> out;
    std::istringstream in(read_file(modern_["K2C_MODERN_INSERTS"]));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      if (j["table"].get<std::string>().find("`" + name_ + "`") != std::string::npos)
        out.push_back(std::move(j));
    }
    return out;
  }
  // The fate of the next INSERTs (front_end.js: "pass", "lose").
  void plan(const std::string& lines) { std::ofstream(modern_["K2C_MODERN_PLAN"]) << lines; }

  ServersEnv modern_;
};

}  // namespace k2c::testing
