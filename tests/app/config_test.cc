#include "app/config.h"

#include <gtest/gtest.h>

namespace k2c {
namespace {

EnvMap minimal_env() {
  return {{"CLICKHOUSE_URL", "http://127.0.0.1:8123/"},
          {"ROUTES_TABLE", "routes"},
          {"AWS_REGION", "eu-west-1"},
          {"AWS_ACCESS_KEY_ID", "AKID"},
          {"AWS_SECRET_ACCESS_KEY", "s3cr3t-value"}};
}

TEST(Config, AppliesDefaults) {
  auto c = Config::from_env(minimal_env());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->clickhouse_url, "http://127.0.0.1:8123");
  EXPECT_EQ(c->clickhouse_user, "default");
  EXPECT_EQ(c->clickhouse_database, "default");
  EXPECT_EQ(c->dead_letter_table, "kinesis_dead_letter");
  EXPECT_EQ(c->route_cache_ttl_seconds, 60);
  EXPECT_EQ(c->dynamodb_endpoint, "https://dynamodb.eu-west-1.amazonaws.com");
}

TEST(Config, DynamoEndpointOverridePrefersServiceSpecificVariable) {
  auto env = minimal_env();
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1";
  env["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:2";
  EXPECT_EQ(Config::from_env(env)->dynamodb_endpoint, "http://127.0.0.1:2");
  env.erase("AWS_ENDPOINT_URL_DYNAMODB");
  EXPECT_EQ(Config::from_env(env)->dynamodb_endpoint, "http://127.0.0.1:1");
}

TEST(Config, MissingRequiredSettingNamesTheVariable) {
  for (const char* name : {"CLICKHOUSE_URL", "ROUTES_TABLE", "AWS_REGION"}) {
    auto env = minimal_env();
    env.erase(name);
    auto c = Config::from_env(env);
    ASSERT_FALSE(c.ok()) << name;
    EXPECT_EQ(c.error().kind, ErrorKind::config);
    EXPECT_NE(c.error().message.find(name), std::string::npos) << c.error().message;
  }
}

TEST(Config, RejectsUnknownClickhouseSetting) {
  auto env = minimal_env();
  env["CLICKHOUSE_PASWORD"] = "typo";
  auto c = Config::from_env(env);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("CLICKHOUSE_PASWORD"), std::string::npos);
  EXPECT_EQ(c.error().message.find("typo"), std::string::npos);
}

TEST(Config, RejectsInvalidValues) {
  auto bad = [](const char* name, const char* value) {
    auto env = minimal_env();
    env[name] = value;
    auto c = Config::from_env(env);
    return !c.ok() && c.error().message.find(name) != std::string::npos;
  };
  EXPECT_TRUE(bad("CLICKHOUSE_URL", "ftp://x"));
  EXPECT_TRUE(bad("ROUTE_CACHE_TTL_SECONDS", "-1"));
  EXPECT_TRUE(bad("ROUTE_CACHE_TTL_SECONDS", "10s"));
  EXPECT_TRUE(bad("DEAD_LETTER_TABLE", "dl; DROP TABLE x"));
  EXPECT_TRUE(bad("CLICKHOUSE_DATABASE", "a`b"));
}

TEST(Config, CompressionDefaultsToNone) {
  auto c = Config::from_env(minimal_env());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->clickhouse_compression, Compression::none);
  auto env = minimal_env();
  env["CLICKHOUSE_COMPRESSION"] = "";  // set but empty, like the other settings
  EXPECT_EQ(Config::from_env(env)->clickhouse_compression, Compression::none);
}

TEST(Config, ParsesEveryCompressionCodec) {
  const std::pair<const char*, Compression> cases[] = {{"none", Compression::none},
                                                       {"gzip", Compression::gzip},
                                                       {"zstd", Compression::zstd},
                                                       {"lz4", Compression::lz4}};
  for (const auto& [value, codec] : cases) {
    auto env = minimal_env();
    env["CLICKHOUSE_COMPRESSION"] = value;
    auto c = Config::from_env(env);
    ASSERT_TRUE(c.ok()) << value << ": " << c.error().message;
    EXPECT_EQ(c->clickhouse_compression, codec) << value;
  }
}

TEST(Config, RejectsUnknownCompressionListingTheValidValues) {
  for (const char* value : {"GZIP", "br", "deflate", "snappy", "lz4hc", "zstd ", "1"}) {
    auto env = minimal_env();
    env["CLICKHOUSE_COMPRESSION"] = value;
    auto c = Config::from_env(env);
    ASSERT_FALSE(c.ok()) << value;
    EXPECT_EQ(c.error().kind, ErrorKind::config);
    EXPECT_EQ(c.error().message,
              std::string("CLICKHOUSE_COMPRESSION must be one of none, gzip, zstd, lz4; got '") +
                  value + "'");
  }
}

TEST(Config, ParsesClickhouseSettingsInOrder) {
  auto env = minimal_env();
  env["CLICKHOUSE_SETTINGS"] = "max_insert_block_size=1000,log_comment=a b&c=d";
  auto c = Config::from_env(env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c->clickhouse_settings,
            (Pairs{{"max_insert_block_size", "1000"}, {"log_comment", "a b&c=d"}}));
  EXPECT_TRUE(Config::from_env(minimal_env())->clickhouse_settings.empty());
}

TEST(Config, RejectsMalformedClickhouseSettingsNamingTheVariable) {
  for (const char* value : {"a", "a=", "=1", "A=1", "a-b=1", "a=1,,b=2", "a=1,", "a=1,a=2",
                            "async_insert=1", "wait_for_async_insert=0",
                            "insert_deduplication_token=x", "database=other",
                            "input_format_binary_read_json_as_string=0"}) {
    auto env = minimal_env();
    env["CLICKHOUSE_SETTINGS"] = value;
    auto c = Config::from_env(env);
    ASSERT_FALSE(c.ok()) << value;
    EXPECT_EQ(c.error().kind, ErrorKind::config) << value;
    EXPECT_NE(c.error().message.find("CLICKHOUSE_SETTINGS"), std::string::npos)
        << value << ": " << c.error().message;
  }
}

TEST(Config, AsyncInsertIsZeroOrOne) {
  auto env = minimal_env();
  EXPECT_FALSE(Config::from_env(env)->async_insert);
  env["CLICKHOUSE_ASYNC_INSERT"] = "1";
  EXPECT_TRUE(Config::from_env(env)->async_insert);
  env["CLICKHOUSE_ASYNC_INSERT"] = "0";
  EXPECT_FALSE(Config::from_env(env)->async_insert);
  for (const char* value : {"true", "yes", "2", " 1"}) {
    env["CLICKHOUSE_ASYNC_INSERT"] = value;
    auto c = Config::from_env(env);
    ASSERT_FALSE(c.ok()) << value;
    EXPECT_NE(c.error().message.find("CLICKHOUSE_ASYNC_INSERT"), std::string::npos);
  }
}

TEST(Config, SecretsNeverAppearInErrors) {
  auto env = minimal_env();
  env["CLICKHOUSE_PASSWORD"] = "hunter2-password";
  env["CLICKHOUSE_URL"] = "hunter2";
  auto c = Config::from_env(env);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message.find("hunter2-password"), std::string::npos);
}

TEST(Config, LogsAndMetricsDefaults) {
  auto c = Config::from_env(minimal_env());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->log_format, LogFormat::json);
  EXPECT_EQ(c->log_level, LogLevel::info);
  EXPECT_TRUE(c->metrics);
  EXPECT_EQ(c->metrics_namespace, "KinesisClickHouse");
  EXPECT_EQ(c->function_name, "local");
}

TEST(Config, ReadsLambdasLoggingControlsAndTheMetricsSettings) {
  auto env = minimal_env();
  env["AWS_LAMBDA_LOG_FORMAT"] = "Text";
  env["AWS_LAMBDA_LOG_LEVEL"] = "WARN";
  env["METRICS"] = "off";
  env["METRICS_NAMESPACE"] = "Team/Ingest: prod #2";
  env["AWS_LAMBDA_FUNCTION_NAME"] = "k2c-prod";
  auto c = Config::from_env(env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->log_format, LogFormat::text);
  EXPECT_EQ(c->log_level, LogLevel::warn);
  EXPECT_FALSE(c->metrics);
  EXPECT_EQ(c->metrics_namespace, "Team/Ingest: prod #2");
  EXPECT_EQ(c->function_name, "k2c-prod");
}

TEST(Config, InvalidLogAndMetricsSettingsNameTheVariable) {
  const std::pair<const char*, std::string> bad[] = {{"AWS_LAMBDA_LOG_FORMAT", "yaml"},
                                                     {"AWS_LAMBDA_LOG_LEVEL", "WARNING"},
                                                     {"METRICS", "yes"},
                                                     {"METRICS", "OFF"},
                                                     {"METRICS_NAMESPACE", "AWS/Lambda"},
                                                     {"METRICS_NAMESPACE", "a\tb"},
                                                     {"METRICS_NAMESPACE", "   "},
                                                     {"METRICS_NAMESPACE", std::string(256, 'n')},
                                                     {"METRICS_NAMESPACE", "caf\xC3\xA9"}};
  for (const auto& [name, value] : bad) {
    auto env = minimal_env();
    env[name] = value;
    auto c = Config::from_env(env);
    ASSERT_FALSE(c.ok()) << name << "=" << value;
    EXPECT_EQ(c.error().kind, ErrorKind::config);
    EXPECT_EQ(c.error().message.rfind(name, 0), 0u) << c.error().message;
  }
}

TEST(Config, RejectsUnknownMetricsVariables) {
  auto env = minimal_env();
  env["METRICS_NAMESPAC"] = "typo";
  auto c = Config::from_env(env);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message,
            "unknown setting METRICS_NAMESPAC (known: METRICS, METRICS_NAMESPACE)");
}

}  // namespace
}  // namespace k2c
