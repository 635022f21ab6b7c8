// Integration-test harness: drives the real bootstrap under the local Runtime
// API emulator against the real local ClickHouse and dynalite.
//
// Every test gets its own ClickHouse database and DynamoDB routes table, so
// tests do not see each other's rows.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "http/http.h"
#include "tests/integration/servers.h"

namespace k2c::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline int run_command(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// POSTs SQL to a ClickHouse HTTP endpoint; fails the test on a non-200.
inline std::string ch(const std::string& url, const std::string& sql,
                      const std::string& database = "") {
  HttpClient http;
  HttpRequest req;
  req.method = "POST";
  req.url = url + "/" + (database.empty() ? "" : "?database=" + database);
  req.body = sql;
  req.timeout_ms = 30000;
  auto r = http.perform(req);
  if (!r.ok()) {
    ADD_FAILURE() << "ClickHouse unreachable: " << r.error().message;
    return "";
  }
  if (r->status != 200) ADD_FAILURE() << "ClickHouse said " << r->status << ": " << r->body;
  return r->body;
}

struct EmulatorRun {
  int exit_code = -1;
  nlohmann::json results;  // the emulator's --json-out list
};

class BootstrapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = read_servers_env();
    url_ = env_["K2C_CLICKHOUSE_URL"];
    dynamo_ = env_["K2C_DYNAMODB_URL"];
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    name_ = std::string("t_") + info->name();
    for (auto& c : name_)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    ch(url_, "DROP DATABASE IF EXISTS " + name_);
    ch(url_, "CREATE DATABASE " + name_);
    routes_table_ = "routes-" + name_;
    ASSERT_EQ(dynamo_admin("create " + routes_table_), 0);
  }

  int dynamo_admin(const std::string& args) {
    return run_command("/usr/bin/python3 " K2C_SOURCE_DIR "/tests/integration/dynamo_admin.py " +
                       dynamo_ + " " + args);
  }
  void put_route(const std::string& stream, const std::string& table) {
    ASSERT_EQ(dynamo_admin("put " + routes_table_ + " " + stream + " " + table + " " + name_), 0);
  }
  void create_example_tables() {
    for (const char* f : {"orders.sql", "clicks.sql"})
      ch(url_, read_file(std::string(K2C_SOURCE_DIR "/schema/examples/") + f), name_);
  }

  // Runs bootstrap under the emulator with the given events and extra env.
  EmulatorRun replay(const std::vector<std::string>& events,
                     const std::vector<std::string>& extra_env = {},
                     const std::string& clickhouse_url = "") {
    const std::string out = ::testing::TempDir() + name_ + "-emulator.json";
    std::remove(out.c_str());
    std::remove((out + ".stdout").c_str());
    std::string cmd = "/usr/bin/python3 " K2C_SOURCE_DIR
                      "/tools/emulator.py --bootstrap " K2C_BOOTSTRAP
                      " --timeout-ms 20000 --json-out " +
                      out + " --bootstrap-stdout " + out + ".stdout";
    std::vector<std::string> env = {
        "CLICKHOUSE_URL=" + (clickhouse_url.empty() ? url_ : clickhouse_url),
        "CLICKHOUSE_DATABASE=" + name_,
        "ROUTES_TABLE=" + routes_table_,
        "AWS_ENDPOINT_URL_DYNAMODB=" + dynamo_,
        "AWS_REGION=eu-west-1",
        "AWS_ACCESS_KEY_ID=local",
        "AWS_SECRET_ACCESS_KEY=local",
        "ROUTE_CACHE_TTL_SECONDS=0"};
    for (const auto& e : extra_env) env.push_back(e);
    for (const auto& e : env) cmd += " --env '" + e + "'";
    for (const auto& e : events) cmd += " " + e;
    cmd += " > " + out + ".log 2>&1";
    EmulatorRun run;
    run.exit_code = run_command(cmd);
    std::string json = read_file(out);
    run.results = json.empty() ? nlohmann::json::array() : nlohmann::json::parse(json);
    log_ = read_file(out + ".log");
    stdout_ = read_file(out + ".stdout");
    return run;
  }

  std::string event(const std::string& file) { return std::string(K2C_SOURCE_DIR "/events/") + file; }
  std::string query(const std::string& sql) { return ch(url_, sql, name_); }

  ServersEnv env_;
  // log_: the emulator's output and bootstrap's stderr; stdout_: bootstrap's
  // stdout (the metrics lines), kept apart as on Lambda.
  std::string url_, dynamo_, name_, routes_table_, log_, stdout_;
};

}  // namespace k2c::testing
