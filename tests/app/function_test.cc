// Function's orchestration against fakes: a clock that moves only when told,
// scripted HTTP transports for ClickHouse and DynamoDB, and a log that keeps
// its lines. What the real servers do with these requests is proven by
// tests/integration; here the order and content of the requests, and the
// answer to Lambda, are the subject. No test reads the wall clock.
#include "app/function.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "tests/support/base64_encode.h"

namespace k2c {
namespace {

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

HttpResponse ok(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

std::string url_decoded(std::string_view s) {
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
  std::string extra_column;
  std::string settings;

  Result<HttpResponse> operator()(const Recorded& r) const {
    const std::string query = url_decoded(r.url);
    if (r.body == "SELECT version()") return ok(version + "\n");
    if (r.body.rfind("SELECT name FROM system.settings", 0) == 0) return ok(settings);
    if (r.body.rfind("DESCRIBE TABLE", 0) == 0)
      return ok(R"({"name":"id","type":"UInt32","default_type":"","default_expression":""})"
                "\n"
                R"({"name":"note","type":"String","default_type":"DEFAULT","default_expression":"'none'"})"
                "\n" + extra_column);
    if (r.body.rfind("SELECT sequence_number", 0) == 0) return ok("");
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
Result<HttpResponse> routes(const Recorded& r) {
  const auto at = r.body.find("stream/");
  const auto end = r.body.find('"', at);
  const std::string name = r.body.substr(at + 7, end - at - 7);
  return ok(R"({"Item":{"stream_arn":{"S":"x"},"table":{"S":")" + name + R"("}}})");
}

Config test_config() {
  auto c = Config::from_env({{"CLICKHOUSE_URL", "http://127.0.0.1:1/"},
                             {"ROUTES_TABLE", "routes"},
                             {"AWS_REGION", "eu-west-1"},
                             {"AWS_ACCESS_KEY_ID", "AKID"},
                             {"AWS_SECRET_ACCESS_KEY", "secret"}});
  EXPECT_TRUE(c.ok()) << c.error().message;
  return std::move(c).value();
}

struct Rec {
  std::string stream;  // "orders" -> arn:aws:kinesis:eu-west-1:1:stream/orders
  std::string seq;
  std::string payload;
};

Invocation event(const std::vector<Rec>& records, int64_t deadline_ms) {
  std::string body = R"({"Records":[)";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) body += ",";
    body += R"({"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"pk","sequenceNumber":")" +
            records[i].seq + R"(","data":")" + testing::base64_encode(records[i].payload) +
            R"(","approximateArrivalTimestamp":1700000000.5},"eventSource":"aws:kinesis",)"
            R"("eventVersion":"1.0","eventID":"shardId-000000000000:)" + records[i].seq +
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
  FakeClock clock;
  FakeClickHouse server;
  ScriptedTransport clickhouse{[this](const Recorded& r) { return server(r); }};
  ScriptedTransport dynamodb{routes};
  KeptLog log;
  Function function{test_config(), FunctionEnv{clock, clickhouse, dynamodb, log}};

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

TEST(Function, OneInsertPerStreamInOrderOfFirstAppearance) {
  Harness h;
  auto answer = h.function.handle(event({{"orders", "1", R"({"id":1})"},
                                         {"clicks", "2", R"({"id":2})"},
                                         {"orders", "3", R"({"id":3})"}},
                                        h.in_seconds(60)));
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(*answer, R"({"batchItemFailures":[]})");
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 2u);
  EXPECT_NE(inserts[0].find("INSERT INTO `default`.`orders`"), std::string::npos) << inserts[0];
  EXPECT_NE(inserts[1].find("INSERT INTO `default`.`clicks`"), std::string::npos) << inserts[1];
}

TEST(Function, DeadLettersAreWrittenBeforeTheRows) {
  Harness h;
  auto answer = h.function.handle(
      event({{"orders", "1", R"({"id":1})"}, {"orders", "2", "not json"}}, h.in_seconds(60)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[]})");
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 2u);
  EXPECT_NE(inserts[0].find("`kinesis_dead_letter`"), std::string::npos) << inserts[0];
  EXPECT_NE(inserts[1].find("`orders`"), std::string::npos) << inserts[1];
}

TEST(Function, DedupTokensNameTheStreamRangeAndDifferPerTable) {
  Harness h;
  ASSERT_TRUE(h.function
                  .handle(event({{"orders", "7", R"({"id":1})"}, {"orders", "9", "bad"}},
                                h.in_seconds(60)))
                  .ok());
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 2u);
  auto token = [](const std::string& q) {
    auto at = q.find("insert_deduplication_token=");
    return at == std::string::npos ? std::string() : q.substr(at + 27);
  };
  EXPECT_NE(token(inserts[0]), "");
  EXPECT_NE(token(inserts[0]), token(inserts[1]));
  // first and last sequence number of the group, and its record count
  EXPECT_NE(token(inserts[1]).find("-7-9-2"), std::string::npos) << token(inserts[1]);
}

TEST(Function, AJsonTableGetsJsonAsTextWhereTheServerHasTheSetting) {
  Harness h;
  h.server.extra_column = R"({"name":"doc","type":"JSON","default_type":"","default_expression":""})";
  h.server.settings = "input_format_binary_read_json_as_string\n";
  auto answer = h.function.handle(event({{"orders", "1", R"({"id":1,"doc":{"a":1}})"}}, h.in_seconds(60)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[]})");
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_NE(inserts[0].find("&input_format_binary_read_json_as_string=1"), std::string::npos)
      << inserts[0];
}

TEST(Function, AJsonTableTheServerCannotFeedIsRefusedOnceAndNothingIsWritten) {
  Harness h;
  h.server.extra_column = R"({"name":"doc","type":"JSON","default_type":"","default_expression":""})";
  auto answer = h.function.handle(
      event({{"orders", "1", R"({"id":1,"doc":{"a":1}})"}, {"orders", "2", "not json"}},
            h.in_seconds(60)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[{"itemIdentifier":"1"}]})");
  EXPECT_TRUE(h.inserts().empty()) << "neither rows nor dead letters";
  EXPECT_EQ(h.clock.slept_ms, 0) << "a permanent refusal is not retried";
  size_t errors = 0;
  for (const auto& line : h.log.lines) {
    if (line.find("\"level\":\"error\"") == std::string::npos) continue;
    ++errors;
    EXPECT_NE(line.find("\"kind\":\"permanent\""), std::string::npos) << line;
    EXPECT_NE(line.find("`doc`"), std::string::npos) << line;
    EXPECT_NE(line.find("input_format_binary_read_json_as_string"), std::string::npos) << line;
  }
  EXPECT_EQ(errors, 1u);
}

TEST(Function, NoDedupTokenOnServersWithoutTheSetting) {
  Harness h;
  h.server.version = "18.16.1";
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  auto inserts = h.inserts();
  ASSERT_EQ(inserts.size(), 1u);
  EXPECT_EQ(inserts[0].find("insert_deduplication_token"), std::string::npos);
}

TEST(Function, AFailedInsertReportsTheGroupsFirstRecordAndLeavesOtherGroupsWritten) {
  Harness h;
  h.server.failing_inserts = {"clicks"};
  auto answer = h.function.handle(event({{"orders", "1", R"({"id":1})"},
                                         {"clicks", "2", R"({"id":2})"},
                                         {"orders", "3", R"({"id":3})"},
                                         {"clicks", "4", R"({"id":4})"}},
                                        h.in_seconds(60)));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[{"itemIdentifier":"2"}]})");
  // the transient error was retried with backoff on the fake clock, not in real time
  EXPECT_GT(h.clock.slept_ms, 0);
  bool logged = false;
  for (const auto& l : h.log.lines)
    logged = logged || (l.find("\"level\":\"error\"") != std::string::npos &&
                        l.find("\"retry_from\":\"2\"") != std::string::npos);
  EXPECT_TRUE(logged);
}

TEST(Function, PastTheDeadlineNothingIsSentAndEverythingIsReported) {
  Harness h;
  const int64_t deadline = h.in_seconds(1);
  h.clock.advance_ms(900);  // inside the reserve kept for answering Lambda
  auto answer = h.function.handle(event({{"orders", "5", R"({"id":1})"}}, deadline));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"batchItemFailures":[{"itemIdentifier":"5"}]})");
  EXPECT_TRUE(h.clickhouse.requests.empty());
  EXPECT_TRUE(h.dynamodb.requests.empty());
}

TEST(Function, AnEventThatIsNotKinesisIsAnInvocationError) {
  Harness h;
  Invocation inv;
  inv.deadline_ms = h.in_seconds(60);
  inv.body = R"({"hello":"world"})";
  inv.body.reserve(inv.body.size() + kResponsePadding);
  auto answer = h.function.handle(inv);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().kind, ErrorKind::invalid_event);
}

TEST(Function, RoutesAndPlansAreCachedAcrossInvocationsUntilTheTtl) {
  Harness h;
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  ASSERT_TRUE(h.function.handle(event({{"orders", "2", R"({"id":2})"}}, h.in_seconds(60))).ok());
  EXPECT_EQ(h.dynamodb.requests.size(), 1u);
  h.clock.advance_ms(int64_t{test_config().route_cache_ttl_seconds} * 1000 + 1);
  ASSERT_TRUE(h.function.handle(event({{"orders", "3", R"({"id":3})"}}, h.in_seconds(60))).ok());
  EXPECT_EQ(h.dynamodb.requests.size(), 2u);
}

TEST(Function, OneSummaryLinePerInvocation) {
  Harness h;
  ASSERT_TRUE(h.function.handle(event({{"orders", "1", R"({"id":1})"}}, h.in_seconds(60))).ok());
  ASSERT_EQ(h.log.lines.size(), 1u);
  EXPECT_NE(h.log.lines[0].find(R"("records":1)"), std::string::npos) << h.log.lines[0];
  EXPECT_NE(h.log.lines[0].find(R"("rows":1)"), std::string::npos) << h.log.lines[0];
}

}  // namespace
}  // namespace k2c
