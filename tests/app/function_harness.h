// The fakes Function is tested with: a clock that moves only when told,
// scripted HTTP transports for ClickHouse and DynamoDB, sinks that keep their
// lines (the log, stderr, and the metrics, stdout), and builders of Kinesis
// events. Shared by the tests of tests/app/function_*_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "app/function.h"
#include "tests/support/base64_encode.h"

namespace k2c::testing {

class FakeClock final : public Clock {
 public:
  int64_t epoch_ms() const override { return epoch_ms_; }
  int64_t monotonic_us() const override { return epoch_ms_ * 1000; }
  double process_cpu_ms() const override { return 0; }
  void sleep_ms(int64_t ms) override {
    slept_ms += ms;
    epoch_ms_ += ms;
  }
  void advance_ms(int64_t ms) { epoch_ms_ += ms; }

  int64_t slept_ms = 0;

 private:
  int64_t epoch_ms_ = 1'700'000'000'000;
};

struct Recorded {
  std::string url;
  std::string body;
};

// Answers each request with what `answer` returns for it, and keeps a copy.
class ScriptedTransport final : public HttpTransport {
 public:
  using Answer = std::function<Result<HttpResponse>(const Recorded&)>;
  explicit ScriptedTransport(Answer answer) : answer_(std::move(answer)) {}

  Result<HttpResponse> perform(const HttpRequest& request) override {
    requests.push_back({request.url, std::string(request.body)});
    return answer_(requests.back());
  }

  std::vector<Recorded> requests;

 private:
  Answer answer_;
};

class KeptLog final : public LogSink {
 public:
  void write(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

inline HttpResponse ok(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

inline std::string url_decoded(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// A ClickHouse that knows one version and the tables `orders` and `clicks`
// (`id UInt32, note String DEFAULT 'none'`), accepts every statement, and
// fails the INSERTs whose query names a table listed in `failing_inserts`.
// `extra_column` adds a third DESCRIBE row; `settings` answers the
// system.settings look-up (names, one a line).
struct FakeClickHouse {
  std::string version = "24.8.1.1";
  std::vector<std::string> failing_inserts;
  std::string dead_letters_found;  // the answer to the dead-letter lookup (sequence numbers)
  std::string extra_column;
  std::string settings;

  Result<HttpResponse> operator()(const Recorded& r) const {
    const std::string query = url_decoded(r.url);
    if (r.body == "SELECT version()") return ok(version + "\n");
    if (r.body.rfind("SELECT name FROM system.settings", 0) == 0) return ok(settings);
    if (r.body.rfind("DESCRIBE TABLE", 0) == 0)
      return ok(
          R"({"name":"id","type":"UInt32","default_type":"","default_expression":""})"
          "\n"
          R"({"name":"note","type":"String","default_type":"DEFAULT","default_expression":"'none'"})"
          "\n" + extra_column);
    if (r.body.rfind("SELECT sequence_number", 0) == 0) return ok(dead_letters_found);
    for (const auto& t : failing_inserts) {
      if (query.find("INSERT INTO `default`.`" + t + "`") != std::string::npos) {
        HttpResponse e;
        e.status = 500;
        e.body = "Code: 252. DB::Exception: Too many parts";
        return e;
      }
    }
    return ok("");
  }
};

// DynamoDB routes: stream ARN `.../<name>` -> table `<name>`.
inline Result<HttpResponse> routes(const Recorded& r) {
  const auto at = r.body.find("stream/");
  const auto end = r.body.find('"', at);
  const std::string name = r.body.substr(at + 7, end - at - 7);
  return ok(R"({"Item":{"stream_arn":{"S":"x"},"table":{"S":")" + name + R"("}}})");
}

// A valid configuration; `extra` adds or overrides variables.
inline Config test_config(const EnvMap& extra = {}) {
  EnvMap env = {{"CLICKHOUSE_URL", "http://127.0.0.1:1/"},
                {"ROUTES_TABLE", "routes"},
                {"AWS_REGION", "eu-west-1"},
                {"AWS_ACCESS_KEY_ID", "AKID"},
                {"AWS_SECRET_ACCESS_KEY", "secret"}};
  for (const auto& [k, v] : extra) env[k] = v;
  auto c = Config::from_env(env);
  EXPECT_TRUE(c.ok()) << c.error().message;
  return std::move(c).value();
}

struct Rec {
  std::string stream;  // "orders" -> arn:aws:kinesis:eu-west-1:1:stream/orders
  std::string seq;
  std::string payload;
  std::string arrival = "1700000000.5";  // approximateArrivalTimestamp; "" = none
};

inline Invocation event(const std::vector<Rec>& records, int64_t deadline_ms) {
  std::string body = R"({"Records":[)";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) body += ",";
    body +=
        R"({"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"pk","sequenceNumber":")" +
        records[i].seq + R"(","data":")" + base64_encode(records[i].payload) + "\"" +
        (records[i].arrival.empty() ? ""
                                    : ",\"approximateArrivalTimestamp\":" + records[i].arrival) +
        R"(},"eventSource":"aws:kinesis",)"
        R"("eventVersion":"1.0","eventID":"shardId-000000000000:)" +
        records[i].seq +
        R"(","eventName":"aws:kinesis:record","invokeIdentityArn":"arn:role",)"
        R"("awsRegion":"eu-west-1","eventSourceARN":"arn:aws:kinesis:eu-west-1:1:stream/)" +
        records[i].stream + R"("})";
  }
  body += "]}";
  Invocation inv;
  inv.request_id = "req-1";
  inv.deadline_ms = deadline_ms;
  inv.body = std::move(body);
  inv.body.reserve(inv.body.size() + kResponsePadding);
  return inv;
}

struct Harness {
  // `extra`: variables added to the configuration's environment.
  explicit Harness(std::initializer_list<EnvMap::value_type> extra = {})
      : function{test_config(EnvMap(extra)), env()} {}
  FunctionEnv env() { return FunctionEnv{clock, clickhouse, dynamodb, log, metrics}; }

  FakeClock clock;
  FakeClickHouse server;
  ScriptedTransport clickhouse{[this](const Recorded& r) { return server(r); }};
  ScriptedTransport dynamodb{routes};
  KeptLog log;      // stderr
  KeptLog metrics;  // stdout
  Function function;

  int64_t in_seconds(int s) { return clock.epoch_ms() + s * 1000; }

  // The decoded query of each INSERT, in order.
  std::vector<std::string> inserts() const {
    std::vector<std::string> out;
    for (const auto& r : clickhouse.requests) {
      std::string q = url_decoded(r.url);
      if (q.find("INSERT INTO") != std::string::npos) out.push_back(q);
    }
    return out;
  }
};

}  // namespace k2c::testing
