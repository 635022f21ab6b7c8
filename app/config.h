// Configuration: enters once, from the environment, validated at start-up.
//
// Config::from_env takes the whole environment as a map (main() builds it
// from `environ`; tests build it by hand), so nothing else ever calls getenv.
// A missing or invalid setting, or an unknown CLICKHOUSE_* variable (a typo
// would otherwise be ignored silently), is an ErrorKind::config error whose
// message names the variable and never contains a secret. The same holds for
// METRICS_* variables and for Lambda's AWS_LAMBDA_LOG_FORMAT and
// AWS_LAMBDA_LOG_LEVEL, which Lambda sets from the function's logging
// configuration.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/log.h"

namespace k2c {

using EnvMap = std::map<std::string, std::string>;

// CLICKHOUSE_COMPRESSION: how insert bodies are encoded on the wire
// (app/compress.h). Which servers decode which codec is in README.md.
enum class Compression { none, gzip, zstd, lz4 };

// The setting's value for a codec ("none", "gzip", "zstd", "lz4").
const char* compression_name(Compression codec) noexcept;

EnvMap env_from_environ(char** environ);

struct Config {
  std::string clickhouse_url;  // without trailing '/'
  std::string clickhouse_user = "default";
  std::string clickhouse_password;  // secret: never logged
  std::string clickhouse_database = "default";
  std::string clickhouse_ca_file;  // optional CA bundle for https
  Compression clickhouse_compression = Compression::none;
  // K2C_CA_PATH: hashed CA directory for every https client (ClickHouse and
  // DynamoDB); the zip's launcher sets it to the bundled certs/ directory.
  std::string ca_path;
  // CLICKHOUSE_SETTINGS: (name, value) pairs added to every INSERT, in the
  // order given; names [a-z0-9_]+, values URL-encoded when sent. Whether the
  // server has each name is checked against its system.settings (main at
  // init, Function before the first insert).
  std::vector<std::pair<std::string, std::string>> clickhouse_settings;
  // CLICKHOUSE_ASYNC_INSERT=1: async_insert=1 with wait_for_async_insert=1
  // (and async_insert_deduplicate=1 where the server has it).
  bool async_insert = false;
  std::string routes_table;
  std::string dead_letter_table = "kinesis_dead_letter";
  int route_cache_ttl_seconds = 60;
  std::string dynamodb_endpoint;  // e.g. https://dynamodb.us-east-1.amazonaws.com
  std::string aws_region;
  std::string aws_access_key_id;
  std::string aws_secret_access_key;  // secret
  std::string aws_session_token;      // secret

  // Lambda's advanced logging controls, for the function's own log lines.
  LogFormat log_format = LogFormat::json;  // AWS_LAMBDA_LOG_FORMAT: JSON or Text; unset = JSON
  LogLevel log_level = LogLevel::info;     // AWS_LAMBDA_LOG_LEVEL: TRACE ... FATAL
  // CloudWatch metrics: one Embedded Metric Format line per invocation on stdout.
  bool metrics = true;                                  // METRICS: on or off
  std::string metrics_namespace = "KinesisClickHouse";  // METRICS_NAMESPACE
  std::string function_name = "local";  // AWS_LAMBDA_FUNCTION_NAME: the FunctionName dimension

  static Result<Config> from_env(const EnvMap& env);
};

// Parses CLICKHOUSE_SETTINGS ("name=value,name=value"); a malformed entry,
// a repeated name, or a setting the function sets itself is a config error
// naming the variable.
Result<std::vector<std::pair<std::string, std::string>>> parse_clickhouse_settings(
    std::string_view text);

}  // namespace k2c
