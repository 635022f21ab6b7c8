#include "bench/invocation.h"

#include <simdjson.h>

#include <cstdio>
#include <string>

#include "app/function.h"
#include "bench/measure.h"
#include "bench/schemas.h"

namespace k2c::bench {
namespace {

// In-memory ClickHouse and DynamoDB: each answer is built once and handed
// out again, so what is counted is the function's own work, not the fake's.
class Answers final : public HttpTransport {
 public:
  Answers() {
    for (const auto& c : orders_columns()) {
      describe_ += R"({"name":")" + c.name + R"(","type":")" + c.type + R"(","default_type":")" +
                   c.default_kind + R"(","default_expression":")" + c.default_expression + "\"}\n";
    }
  }
  Result<HttpResponse> perform(const HttpRequest& request) override {
    ++requests;
    HttpResponse& r = response_;
    r.status = 200;
    r.headers.clear();
    const std::string_view body = request.body;
    if (body == "SELECT version()") r.body = "24.8.1.1\n";
    else if (body.starts_with("DESCRIBE")) r.body = describe_;
    else if (body.find("GetItem") != std::string_view::npos || request.url.find("dynamodb") != std::string::npos)
      r.body = R"({"Item":{"stream_arn":{"S":"x"},"table":{"S":"orders"}}})";
    else r.body.clear();  // inserts, system.settings: an empty 200
    return r;  // a copy, as HttpClient's result is
  }
  uint64_t requests = 0;

 private:
  std::string describe_;
  HttpResponse response_;
};

class Dropped final : public LogSink {
 public:
  void write(std::string_view line) override { bytes += line.size(); }
  uint64_t bytes = 0;
};

}  // namespace

void print_invocation(const std::string& orders_event, size_t records, int reps, double rep_seconds) {
  auto config = Config::from_env({{"CLICKHOUSE_URL", "http://127.0.0.1:1/"},
                                  {"ROUTES_TABLE", "routes"},
                                  {"AWS_REGION", "eu-west-1"},
                                  {"AWS_ACCESS_KEY_ID", "AKID"},
                                  {"AWS_SECRET_ACCESS_KEY", "secret"},
                                  {"AWS_ENDPOINT_URL_DYNAMODB", "http://dynamodb.local:1"}});
  if (!config.ok()) {
    std::fprintf(stderr, "invocation bench: %s\n", config.error().message.c_str());
    return;
  }
  Answers clickhouse, dynamodb;
  Dropped log, metrics;
  Function function(std::move(config).value(),
                    FunctionEnv{k2c::Clock::system(), clickhouse, dynamodb, log, metrics});
  Invocation inv;
  inv.request_id = "bench";
  std::string answer;
  auto once = [&] {
    inv.deadline_ms = k2c::Clock::system().epoch_ms() + 60000;
    // The runtime hands each invocation a new body with spare capacity.
    inv.body.assign(orders_event);
    inv.body.reserve(orders_event.size() + simdjson::SIMDJSON_PADDING);
    auto r = function.handle(inv);
    if (!r.ok() || *r != R"({"batchItemFailures":[]})")
      throw std::runtime_error("invocation bench: " + (r.ok() ? *r : r.error().message));
  };
  once();
  // The body's own copy and reserve, timed alone, is taken out.
  const Figure copy = measure(
      [&] {
        inv.body.assign(orders_event);
        inv.body.reserve(orders_event.size() + simdjson::SIMDJSON_PADDING);
      },
      reps, rep_seconds);
  const Figure f = measure(once, reps, rep_seconds);
  const double per_1000 = (f.seconds - copy.seconds) * 1e3 * 1000.0 / static_cast<double>(records);
  std::printf("\n%-40s %14s %22s\n", "whole invocation (in-memory transports)", "ms/1000 records",
              "allocations/invocation");
  std::printf("%-40s %14.3f %22.1f\n", "Function::handle, metrics on", per_1000,
              f.allocs_per_call - copy.allocs_per_call);
}

}  // namespace k2c::bench
