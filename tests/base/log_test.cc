// The Logger and its helpers: RFC 3339 times, the names Lambda gives log
// formats and levels, and the two shapes of a line.
#include "base/log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace k2c {
namespace {

class StoppedClock final : public Clock {
 public:
  explicit StoppedClock(int64_t ms) : ms_(ms) {}
  int64_t epoch_ms() const override { return ms_; }
  int64_t monotonic_us() const override { return 0; }
  double process_cpu_ms() const override { return 0; }
  void sleep_ms(int64_t) override {}

 private:
  int64_t ms_;
};

class Lines final : public LogSink {
 public:
  void write(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

std::string rfc3339(int64_t ms) {
  std::string out;
  append_rfc3339(out, ms);
  return out;
}

TEST(Log, Rfc3339IsUtcWithMilliseconds) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339(1'700'000'000'007), "2023-11-14T22:13:20.007Z");
  EXPECT_EQ(rfc3339(951'782'400'000), "2000-02-29T00:00:00.000Z");
}

TEST(Log, LevelsAndFormatsAreLambdasNamesInAnyCase) {
  LogLevel level = LogLevel::info;
  for (auto [text, want] :
       {std::pair{"TRACE", LogLevel::trace}, std::pair{"debug", LogLevel::debug},
        std::pair{"Info", LogLevel::info}, std::pair{"WARN", LogLevel::warn},
        std::pair{"error", LogLevel::error}, std::pair{"FATAL", LogLevel::fatal}}) {
    ASSERT_TRUE(parse_log_level(text, level)) << text;
    EXPECT_EQ(level, want) << text;
  }
  EXPECT_FALSE(parse_log_level("WARNING", level));
  EXPECT_FALSE(parse_log_level("", level));
  LogFormat format = LogFormat::json;
  ASSERT_TRUE(parse_log_format("Text", format));
  EXPECT_EQ(format, LogFormat::text);
  ASSERT_TRUE(parse_log_format("JSON", format));
  EXPECT_EQ(format, LogFormat::json);
  EXPECT_FALSE(parse_log_format("yaml", format));
  EXPECT_STREQ(level_name(LogLevel::warn), "WARN");
}

TEST(Log, JsonLineEscapesAndKeepsJsonFieldsAsTheyAre) {
  StoppedClock clock(0);
  Lines sink;
  Logger log(sink, clock, LogFormat::json, LogLevel::info);
  log.log(LogLevel::error, "r-1", "a \"quoted\"\nline", {{"n", "42", true}, {"s", "x"}});
  ASSERT_EQ(sink.lines.size(), 1u);
  EXPECT_EQ(sink.lines[0],
            R"({"timestamp":"1970-01-01T00:00:00.000Z","level":"ERROR","requestId":"r-1",)"
            R"("message":"a \"quoted\"\nline","n":42,"s":"x"})");
}

TEST(Log, JsonLineWithoutARequestIdLeavesTheKeyOut) {
  StoppedClock clock(0);
  Lines sink;
  Logger log(sink, clock, LogFormat::json, LogLevel::info);
  log.log(LogLevel::info, "", "started");
  EXPECT_EQ(sink.lines.at(0),
            R"({"timestamp":"1970-01-01T00:00:00.000Z","level":"INFO","message":"started"})");
}

TEST(Log, TextLineIsOneLineWithFieldsAsKeyValue) {
  StoppedClock clock(0);
  Lines sink;
  Logger log(sink, clock, LogFormat::text, LogLevel::info);
  log.log(LogLevel::warn, "", "two\nlines\tand a tab", {{"k", "v\r\n"}});
  EXPECT_EQ(sink.lines.at(0), "1970-01-01T00:00:00.000Z\t-\tWARN\ttwo lines and a tab k=v  ");
}

TEST(Log, LinesBelowTheThresholdAreNotWritten) {
  StoppedClock clock(0);
  Lines sink;
  Logger log(sink, clock, LogFormat::json, LogLevel::warn);
  EXPECT_FALSE(log.enabled(LogLevel::info));
  log.log(LogLevel::info, "", "dropped");
  log.log(LogLevel::debug, "", "dropped");
  log.log(LogLevel::warn, "", "kept");
  log.log(LogLevel::fatal, "", "kept");
  EXPECT_EQ(sink.lines.size(), 2u);
}

}  // namespace
}  // namespace k2c
