// CloudWatch Logs subscription messages (kinesis/cloudwatch_logs.h) from
// the published fixtures: direct subscription events of the AWS runtimes
// (awslogs.data), Kinesis events that carry them (Powertools), and the
// control-message vectors of Clever's and baikonur-oss's splitters, with
// the outputs their authors expect.
#include "kinesis/cloudwatch_logs.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kinesis/base64.h"
#include "kinesis/inflate.h"
#include "tests/support/fixtures.h"

namespace k2c {
namespace {

using Json = nlohmann::json;

// base64 -> (inflated when gzip or zlib) -> text.
std::string payload_of(const std::string& b64) {
  std::string buf;
  size_t n = 0;
  EXPECT_TRUE(base64_decode(b64, buf, 0, n));
  std::string p = buf.substr(0, n), out;
  Inflater inf;
  if (sniff_compression(p) == Compressed::gzip) {
    EXPECT_EQ(inf.gzip(p, 16 << 20, out), InflateResult::ok);
    p = out;
  } else if (sniff_compression(p) == Compressed::zlib) {
    EXPECT_EQ(inf.zlib(p, 16 << 20, out), InflateResult::ok);
    p = out;
  }
  return p;
}

struct Parsed {
  bool is_log = false;
  LogMessage::Type type{};
  std::string group, stream, owner;
  std::vector<std::string> messages;
};

Parsed parse(std::string p) {
  LogMessageParser parser;
  LogMessage m;
  Parsed out;
  p.reserve(p.size() + simdjson::SIMDJSON_PADDING);
  out.is_log = parser.parse(p, m);
  if (!out.is_log) return out;
  out.type = m.type;
  out.group = m.log_group;
  out.stream = m.log_stream;
  out.owner = m.owner;
  for (const auto& e : m.events) out.messages.emplace_back(e.message);
  return out;
}

TEST(CloudWatchLogs, DirectSubscriptionEventsOfTheRuntimes) {
  if (!testing::have_fixtures()) GTEST_SKIP() << "no " << testing::fixtures_dir();
  for (const char* f : {"aws-lambda-go/cloudwatch-logs-event.json", "aws-lambda-java-libs/cloudwatchlogs_event.json",
                        "aws-lambda-rust-runtime/example-cloudwatch_logs-event.json",
                        "aws-sam-cli/CloudwatchLogs.json",
                        "powertools-python/cloudWatchLogEventWithPolicyLevel.json"}) {  // zlib, not gzip
    const Json ev = Json::parse(testing::read_fixture(f));
    const Parsed p = parse(payload_of(ev["awslogs"]["data"].get<std::string>()));
    ASSERT_TRUE(p.is_log) << f;
    EXPECT_EQ(p.type, LogMessage::Type::data) << f;
    EXPECT_EQ(p.group, "testLogGroup") << f;
    EXPECT_EQ(p.messages, (std::vector<std::string>{"[ERROR] First test message",
                                                    "[ERROR] Second test message"}))
        << f;
  }
}

TEST(CloudWatchLogs, KinesisRecordsCarryingThemSplitIntoTheirEvents) {
  if (!testing::have_fixtures()) GTEST_SKIP() << "no " << testing::fixtures_dir();
  for (const char* f : {"powertools-python/kinesisStreamCloudWatchLogsEvent.json",
                        "powertools-typescript/stream-cloudwatch-logs.json"}) {
    const Json ev = Json::parse(testing::read_fixture(f));
    ASSERT_EQ(ev["Records"].size(), 2u) << f;
    for (const auto& r : ev["Records"]) {
      const Parsed p = parse(payload_of(r["kinesis"]["data"].get<std::string>()));
      ASSERT_TRUE(p.is_log) << f;
      EXPECT_EQ(p.group, "/aws/lambda/pt-1488-DummyLogDataFunction-gnWXPvL6jJyG") << f;
      ASSERT_EQ(p.messages.size(), 3u) << f;
      EXPECT_EQ(p.messages[0].rfind("START RequestId", 0), 0u) << p.messages[0];
      EXPECT_EQ(p.messages[2].rfind("REPORT RequestId", 0), 0u) << p.messages[2];
    }
  }
}

TEST(CloudWatchLogs, ControlMessagesAndDataMessagesOfTheSplitterVectors) {
  if (!testing::have_fixtures()) GTEST_SKIP() << "no " << testing::fixtures_dir();
  const Json doc = Json::parse(testing::read_fixture("cwl-control-messages/cwl-control-message-vectors.json"));
  size_t checked = 0;
  for (const auto& v : doc["vectors"]) {
    std::vector<std::string> data_messages;
    std::vector<std::string> inputs;
    if (v.contains("kinesis_data_base64")) inputs.push_back(v["kinesis_data_base64"].get<std::string>());
    if (v.contains("kinesis_data_base64_per_record"))
      for (const auto& x : v["kinesis_data_base64_per_record"]) inputs.push_back(x.get<std::string>());
    size_t control = 0;
    for (const auto& b64 : inputs) {
      const Parsed p = parse(payload_of(b64));
      ASSERT_TRUE(p.is_log) << v["id"];
      if (p.type == LogMessage::Type::control) {
        ++control;
        EXPECT_EQ(p.owner, "CloudwatchLogs") << v["id"];
      } else {
        data_messages.insert(data_messages.end(), p.messages.begin(), p.messages.end());
      }
    }
    if (v.contains("expected_output_messages")) {
      std::vector<std::string> want;
      for (const auto& m : v["expected_output_messages"]) want.push_back(m.get<std::string>());
      EXPECT_EQ(data_messages, want) << v["id"];
    } else {
      EXPECT_EQ(control, 1u) << v["id"];  // Clever's vector: the control message alone
      EXPECT_TRUE(data_messages.empty()) << v["id"];
    }
    ++checked;
  }
  EXPECT_EQ(checked, 4u);
}

TEST(CloudWatchLogs, AnUncompressedMessageInLineBrokenBase64) {
  if (!testing::have_fixtures()) GTEST_SKIP() << "no " << testing::fixtures_dir();
  const Json doc = Json::parse(testing::read_fixture("elastic-beats/kpl-and-cwl-test-vectors.json"));
  const Json& v = doc["vectors"][1];
  ASSERT_EQ(v["id"], "beats-TestCloudwatchKinesis-uncompressed-cwl");
  const std::string p = payload_of(v["input"].get<std::string>());
  EXPECT_TRUE(may_be_log_message(p));
  const Parsed parsed = parse(p);
  ASSERT_TRUE(parsed.is_log);
  EXPECT_EQ(parsed.group, "testem");
  EXPECT_EQ(parsed.stream, "folyomany");
  std::vector<std::string> want;
  for (const auto& o : v["expected_outputs"]) want.push_back(o["message"].get<std::string>());
  EXPECT_EQ(parsed.messages, want);
}

TEST(CloudWatchLogs, OtherJsonIsNotALogMessage) {
  for (const char* p :
       {R"({"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s"})",  // no logEvents
        R"({"messageType":"OTHER","logGroup":"g","logStream":"s","logEvents":[]})",
        R"({"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[{"id":"1"}]})",
        R"({"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[]} x)",
        R"({"messageType":"DATA_MESSAGE","logGroup":1,"logStream":"s","logEvents":[]})", R"([1,2])",
        "not json", R"({"a":1})"})
    EXPECT_FALSE(parse(p).is_log) << p;
  EXPECT_TRUE(parse(R"({"messageType":"DATA_MESSAGE","logGroup":"g","logStream":"s","logEvents":[]})").is_log);
  EXPECT_TRUE(may_be_log_message(" {\n \"messageType\": 1}"));
  EXPECT_FALSE(may_be_log_message(R"({"logGroup":"g","messageType":"DATA_MESSAGE"})"));
}

}  // namespace
}  // namespace k2c
