// The run loop against a scripted fake transport: what gets posted, how often
// calls are retried, and when the loop gives up.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "runtime/runtime_api.h"

namespace k2c {
namespace {

using std::chrono::milliseconds;

Invocation make_invocation(std::string id, std::string body, std::string trace = "") {
  Invocation inv;
  inv.request_id = std::move(id);
  inv.deadline_ms = 1700000000000;
  inv.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:k2c";
  inv.trace_id = std::move(trace);
  inv.body = std::move(body);
  return inv;
}

Error transient(std::string msg = "connection refused") {
  return make_error(ErrorKind::transient, std::move(msg));
}

// Each call pops its scripted result; an empty script means success (and,
// for next(), a rejection so a run without max_invocations ends).
class FakeTransport : public RuntimeTransport {
 public:
  std::deque<Result<Invocation>> next_script;
  std::deque<Status> respond_script;
  std::deque<Status> fail_script;
  std::deque<Status> init_error_script;

  int next_calls = 0;
  int respond_calls = 0;
  int fail_calls = 0;
  int init_error_calls = 0;
  // Only the calls that succeeded.
  std::vector<std::pair<std::string, std::string>> responses;
  std::vector<std::pair<std::string, InvocationError>> failures;
  std::vector<InvocationError> init_errors;

  Result<Invocation> next() override {
    ++next_calls;
    if (next_script.empty()) return make_error(ErrorKind::permanent, "script exhausted");
    Result<Invocation> r = std::move(next_script.front());
    next_script.pop_front();
    return r;
  }
  Status respond(const std::string& id, std::string_view body) override {
    ++respond_calls;
    Status s = pop(respond_script);
    if (s.ok()) responses.emplace_back(id, std::string(body));
    return s;
  }
  Status fail(const std::string& id, const InvocationError& error) override {
    ++fail_calls;
    Status s = pop(fail_script);
    if (s.ok()) failures.emplace_back(id, error);
    return s;
  }
  Status init_error(const InvocationError& error) override {
    ++init_error_calls;
    Status s = pop(init_error_script);
    if (s.ok()) init_errors.push_back(error);
    return s;
  }

 private:
  static Status pop(std::deque<Status>& script) {
    if (script.empty()) return ok_status();
    Status s = std::move(script.front());
    script.pop_front();
    return s;
  }
};

class RunLoop : public ::testing::Test {
 protected:
  RunLoop() {
    options.max_invocations = 1;
    options.sleep = [this](milliseconds d) { sleeps.push_back(d); };
    options.log = [this](LogLevel level, std::string_view line) {
      logs.emplace_back(line);
      levels.push_back(level);
    };
  }

  FakeTransport transport;
  RunOptions options;
  std::vector<milliseconds> sleeps;
  std::vector<std::string> logs;
  std::vector<LogLevel> levels;
};

Result<std::string> echo(const Invocation& inv) { return "echo:" + inv.body; }

TEST_F(RunLoop, PostsHandlerResultAsResponse) {
  transport.next_script.push_back(make_invocation("req-1", R"({"Records":[]})"));
  int rc = run(echo, transport, options);
  EXPECT_EQ(rc, 0);
  ASSERT_EQ(transport.responses.size(), 1u);
  EXPECT_EQ(transport.responses[0].first, "req-1");
  EXPECT_EQ(transport.responses[0].second, R"(echo:{"Records":[]})");
  EXPECT_EQ(transport.fail_calls, 0);
  EXPECT_EQ(transport.next_calls, 1);
}

TEST_F(RunLoop, LogLinesCarryTheirLevel) {
  transport.next_script.push_back(transient());
  transport.next_script.push_back(make_invocation("req-1", "{}"));
  Handler handler = [](const Invocation&) -> Result<std::string> {
    return make_error(ErrorKind::invalid_event, "not a Kinesis event");
  };
  EXPECT_EQ(run(handler, transport, options), 0);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(levels[0], LogLevel::warn) << logs[0];   // a retried /next
  EXPECT_EQ(levels[1], LogLevel::error) << logs[1];  // the failed invocation
  transport.next_script.clear();
  options.max_invocations = 0;
  EXPECT_EQ(run(echo, transport, options), 1);
  EXPECT_EQ(levels.back(), LogLevel::fatal) << logs.back();  // exiting
}

TEST_F(RunLoop, HandlerErrorBecomesInvocationErrorTypedByKind) {
  transport.next_script.push_back(make_invocation("req-1", "{}"));
  Handler handler = [](const Invocation&) -> Result<std::string> {
    return make_error(ErrorKind::invalid_event, "not a Kinesis event: no Records");
  };
  EXPECT_EQ(run(handler, transport, options), 0);
  EXPECT_EQ(transport.respond_calls, 0);
  ASSERT_EQ(transport.failures.size(), 1u);
  EXPECT_EQ(transport.failures[0].first, "req-1");
  EXPECT_EQ(transport.failures[0].second.error_type, "Runtime.InvalidEvent");
  EXPECT_EQ(transport.failures[0].second.error_message, "not a Kinesis event: no Records");
}

TEST_F(RunLoop, StdExceptionBecomesHandlerExceptionWithWhat) {
  transport.next_script.push_back(make_invocation("req-1", "{}"));
  Handler handler = [](const Invocation&) -> Result<std::string> {
    throw std::runtime_error("boom");
  };
  EXPECT_EQ(run(handler, transport, options), 0);
  ASSERT_EQ(transport.failures.size(), 1u);
  EXPECT_EQ(transport.failures[0].second.error_type, "Handler.Exception");
  EXPECT_EQ(transport.failures[0].second.error_message, "boom");
}

TEST_F(RunLoop, NonStandardThrowBecomesUnknownException) {
  transport.next_script.push_back(make_invocation("req-1", "{}"));
  Handler handler = [](const Invocation&) -> Result<std::string> { throw 42; };
  EXPECT_EQ(run(handler, transport, options), 0);
  ASSERT_EQ(transport.failures.size(), 1u);
  EXPECT_EQ(transport.failures[0].second.error_type, "Handler.UnknownException");
  EXPECT_EQ(transport.responses.size(), 0u);
}

TEST_F(RunLoop, KeepsServingAfterAThrowingHandler) {
  options.max_invocations = 2;
  transport.next_script.push_back(make_invocation("req-1", "throw"));
  transport.next_script.push_back(make_invocation("req-2", "ok"));
  Handler handler = [](const Invocation& inv) -> Result<std::string> {
    if (inv.body == "throw") throw std::logic_error("bad");
    return std::string("fine");
  };
  EXPECT_EQ(run(handler, transport, options), 0);
  ASSERT_EQ(transport.failures.size(), 1u);
  EXPECT_EQ(transport.failures[0].first, "req-1");
  ASSERT_EQ(transport.responses.size(), 1u);
  EXPECT_EQ(transport.responses[0], (std::pair<std::string, std::string>{"req-2", "fine"}));
}

TEST_F(RunLoop, EmptyAndMalformedEventsReachTheHandlerVerbatim) {
  options.max_invocations = 2;
  transport.next_script.push_back(make_invocation("req-1", ""));
  transport.next_script.push_back(make_invocation("req-2", "{\"Records\":[\x01"));
  EXPECT_EQ(run(echo, transport, options), 0);
  ASSERT_EQ(transport.responses.size(), 2u);
  EXPECT_EQ(transport.responses[0].second, "echo:");
  EXPECT_EQ(transport.responses[1].second, "echo:{\"Records\":[\x01");
}

TEST_F(RunLoop, RetriesTransientNextFailureWithDoublingBackoff) {
  transport.next_script.push_back(transient());
  transport.next_script.push_back(transient());
  transport.next_script.push_back(make_invocation("req-1", "x"));
  EXPECT_EQ(run(echo, transport, options), 0);
  EXPECT_EQ(transport.next_calls, 3);
  EXPECT_EQ(sleeps, (std::vector<milliseconds>{milliseconds(50), milliseconds(100)}));
  ASSERT_EQ(transport.responses.size(), 1u);
  EXPECT_EQ(transport.responses[0].first, "req-1");
}

TEST_F(RunLoop, ExitsNonZeroWhenNextKeepsFailing) {
  for (int i = 0; i < 10; ++i) transport.next_script.push_back(transient());
  bool called = false;
  Handler handler = [&](const Invocation&) -> Result<std::string> {
    called = true;
    return std::string();
  };
  EXPECT_NE(run(handler, transport, options), 0);
  EXPECT_EQ(transport.next_calls, 5);
  EXPECT_EQ(sleeps, (std::vector<milliseconds>{milliseconds(50), milliseconds(100),
                                               milliseconds(200), milliseconds(400)}));
  EXPECT_FALSE(called);
}

TEST_F(RunLoop, ExitsWithoutRetryWhenNextIsRejected) {
  transport.next_script.push_back(make_error(ErrorKind::permanent, "HTTP 403"));
  EXPECT_NE(run(echo, transport, options), 0);
  EXPECT_EQ(transport.next_calls, 1);
  EXPECT_TRUE(sleeps.empty());
}

TEST_F(RunLoop, BackoffIsCappedAtMaxBackoff) {
  options.retry.max_attempts = 6;
  options.retry.initial_backoff = milliseconds(50);
  options.retry.max_backoff = milliseconds(150);
  for (int i = 0; i < 6; ++i) transport.next_script.push_back(transient());
  EXPECT_NE(run(echo, transport, options), 0);
  EXPECT_EQ(sleeps,
            (std::vector<milliseconds>{milliseconds(50), milliseconds(100), milliseconds(150),
                                       milliseconds(150), milliseconds(150)}));
}

TEST_F(RunLoop, RetriesTransientRespondFailure) {
  transport.next_script.push_back(make_invocation("req-1", "x"));
  transport.respond_script.push_back(transient("HTTP 500"));
  EXPECT_EQ(run(echo, transport, options), 0);
  EXPECT_EQ(transport.respond_calls, 2);
  EXPECT_EQ(sleeps, (std::vector<milliseconds>{milliseconds(50)}));
  ASSERT_EQ(transport.responses.size(), 1u);
  EXPECT_EQ(transport.responses[0].second, "echo:x");
  EXPECT_EQ(transport.fail_calls, 0);
}

TEST_F(RunLoop, ExitsNonZeroWhenRespondKeepsFailing) {
  options.max_invocations = 2;
  transport.next_script.push_back(make_invocation("req-1", "x"));
  transport.next_script.push_back(make_invocation("req-2", "y"));
  for (int i = 0; i < 10; ++i) transport.respond_script.push_back(transient());
  EXPECT_NE(run(echo, transport, options), 0);
  EXPECT_EQ(transport.respond_calls, 5);
  EXPECT_EQ(transport.next_calls, 1);
}

TEST_F(RunLoop, RejectedResponseIsFailedInsteadWithoutRetry) {
  transport.next_script.push_back(make_invocation("req-1", "x"));
  transport.respond_script.push_back(
      make_error(ErrorKind::permanent, "Runtime API response: HTTP 413 (payload too large): "));
  EXPECT_EQ(run(echo, transport, options), 0);
  EXPECT_EQ(transport.respond_calls, 1);
  EXPECT_TRUE(sleeps.empty());
  ASSERT_EQ(transport.failures.size(), 1u);
  EXPECT_EQ(transport.failures[0].first, "req-1");
  EXPECT_EQ(transport.failures[0].second.error_type, "Runtime.ResponseRejected");
  EXPECT_EQ(transport.failures[0].second.error_message,
            "Runtime API response: HTTP 413 (payload too large): ");
}

TEST_F(RunLoop, RetriesTransientFailPost) {
  transport.next_script.push_back(make_invocation("req-1", "x"));
  transport.fail_script.push_back(transient());
  Handler handler = [](const Invocation&) -> Result<std::string> {
    return make_error(ErrorKind::transient, "clickhouse down");
  };
  EXPECT_EQ(run(handler, transport, options), 0);
  EXPECT_EQ(transport.fail_calls, 2);
  ASSERT_EQ(transport.failures.size(), 1u);
  EXPECT_EQ(transport.failures[0].second.error_type, "Handler.Transient");
}

TEST_F(RunLoop, RejectedFailPostDoesNotStopTheLoop) {
  options.max_invocations = 2;
  transport.next_script.push_back(make_invocation("req-1", "x"));
  transport.next_script.push_back(make_invocation("req-2", "y"));
  transport.fail_script.push_back(make_error(ErrorKind::permanent, "HTTP 400"));
  Handler handler = [](const Invocation& inv) -> Result<std::string> {
    if (inv.body == "x") return make_error(ErrorKind::permanent, "unknown table");
    return std::string("ok");
  };
  EXPECT_EQ(run(handler, transport, options), 0);
  EXPECT_EQ(transport.fail_calls, 1);
  ASSERT_EQ(transport.responses.size(), 1u);
  EXPECT_EQ(transport.responses[0].first, "req-2");
}

TEST_F(RunLoop, ExportsTraceIdPerInvocationAndUnsetsItWhenAbsent) {
  ::setenv("_X_AMZN_TRACE_ID", "stale", 1);
  options.max_invocations = 3;
  transport.next_script.push_back(
      make_invocation("req-1", "", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"));
  transport.next_script.push_back(make_invocation("req-2", ""));
  transport.next_script.push_back(
      make_invocation("req-3", "", "Root=1-00000000-000000000000000000000003"));
  std::vector<std::optional<std::string>> seen;
  Handler handler = [&](const Invocation&) -> Result<std::string> {
    const char* v = std::getenv("_X_AMZN_TRACE_ID");
    seen.push_back(v ? std::optional<std::string>(v) : std::nullopt);
    return std::string();
  };
  EXPECT_EQ(run(handler, transport, options), 0);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  EXPECT_EQ(seen[1], std::nullopt);
  EXPECT_EQ(seen[2], "Root=1-00000000-000000000000000000000003");
  ::unsetenv("_X_AMZN_TRACE_ID");
}

TEST_F(RunLoop, StopsAfterMaxInvocations) {
  options.max_invocations = 2;
  for (int i = 0; i < 3; ++i) transport.next_script.push_back(make_invocation("r", ""));
  EXPECT_EQ(run(echo, transport, options), 0);
  EXPECT_EQ(transport.next_calls, 2);
}

TEST_F(RunLoop, ReportInitErrorPostsAndReturnsNonZero) {
  transport.init_error_script.push_back(transient());
  InvocationError error{"Handler.Config", "CLICKHOUSE_URL is required"};
  EXPECT_NE(report_init_error(transport, error, options), 0);
  EXPECT_EQ(transport.init_error_calls, 2);
  ASSERT_EQ(transport.init_errors.size(), 1u);
  EXPECT_EQ(transport.init_errors[0].error_type, "Handler.Config");
  EXPECT_EQ(transport.init_errors[0].error_message, "CLICKHOUSE_URL is required");
}

TEST(ErrorTypes, MapsEveryErrorKind) {
  EXPECT_STREQ(error_type_for(ErrorKind::invalid_event), "Runtime.InvalidEvent");
  EXPECT_STREQ(error_type_for(ErrorKind::transient), "Handler.Transient");
  EXPECT_STREQ(error_type_for(ErrorKind::permanent), "Handler.Permanent");
  EXPECT_STREQ(error_type_for(ErrorKind::bad_record), "Handler.BadRecord");
  EXPECT_STREQ(error_type_for(ErrorKind::config), "Handler.Config");
}

TEST(ErrorBody, RendersLambdaErrorShape) {
  EXPECT_EQ(render_error_body({"Handler.Exception", "boom"}),
            R"({"errorMessage":"boom","errorType":"Handler.Exception","stackTrace":[]})");
}

TEST(ErrorBody, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(render_error_body({"T", "a\"b\\c\nd\te\r\x01\x1f\b\f/\x7f"}),
            "{\"errorMessage\":\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u001f\\b\\f/\x7f\","
            "\"errorType\":\"T\",\"stackTrace\":[]}");
}

TEST(ErrorBody, KeepsValidUtf8) {
  std::string out;
  append_json_string(out, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(out, "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}

TEST(ErrorBody, ReplacesInvalidUtf8WithReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  auto quote = [](std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
  };
  EXPECT_EQ(quote("a\xFF"
                  "b"),
            "\"a" + r + "b\"");
  EXPECT_EQ(quote("\xC0\xAF"), "\"" + r + r + "\"");                  // overlong '/'
  EXPECT_EQ(quote("\xED\xA0\x80"), "\"" + r + r + r + "\"");          // UTF-16 surrogate
  EXPECT_EQ(quote("x\xE2\x82"), "\"x" + r + r + "\"");                // truncated sequence
  EXPECT_EQ(quote("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // past U+10FFFF
}

}  // namespace
}  // namespace k2c
