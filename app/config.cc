#include "app/config.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <cstring>

#include "base/identifier.h"

namespace k2c {
namespace {

constexpr const char* kKnownClickhouseVars[] = {
    "CLICKHOUSE_URL",      "CLICKHOUSE_USER",    "CLICKHOUSE_PASSWORD",
    "CLICKHOUSE_DATABASE", "CLICKHOUSE_CA_FILE", "CLICKHOUSE_COMPRESSION",
    "CLICKHOUSE_SETTINGS", "CLICKHOUSE_ASYNC_INSERT",
};

// What CLICKHOUSE_SETTINGS may not name: settings the function decides per
// insert, and the HTTP interface's own parameters.
constexpr const char* kReservedSettings[] = {
    "insert_deduplication_token", "async_insert", "wait_for_async_insert",
    "async_insert_deduplicate", "input_format_binary_read_json_as_string",
    "query", "database", "user", "password", "query_id", "session_id", "default_format",
    "compress", "decompress",
};

// CLICKHOUSE_COMPRESSION values, in enum order; each is also the
// Content-Encoding token sent to the server.
constexpr const char* kCompressionNames[] = {"none", "gzip", "zstd", "lz4"};

// "A, B, C": the names of a table, for error messages.
template <size_t N>
std::string joined(const char* const (&names)[N]) {
  std::string out;
  for (const char* n : names) out.append(out.empty() ? "" : ", ").append(n);
  return out;
}

const std::string* find(const EnvMap& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? nullptr : &it->second;
}

std::string get_or(const EnvMap& env, const char* name, std::string fallback) {
  const std::string* v = find(env, name);
  return (v != nullptr && !v->empty()) ? *v : std::move(fallback);
}

Error config_error(std::string message) { return make_error(ErrorKind::config, std::move(message)); }

// A CloudWatch namespace: 1 to 255 of [0-9A-Za-z._/#: -], not only spaces,
// and not AWS/ (reserved for AWS services).
bool is_metrics_namespace(const std::string& ns) {
  if (ns.empty() || ns.size() > 255 || ns.starts_with("AWS/")) return false;
  bool visible = false;
  for (char c : ns) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!alnum && std::strchr("._/#: -", c) == nullptr) return false;
    visible = visible || c != ' ';
  }
  return visible;
}

// AWS_LAMBDA_LOG_*, METRICS and METRICS_NAMESPACE into `c`.
Result<Unit> logs_and_metrics_from_env(const EnvMap& env, Config& c) {
  for (const auto& [name, value] : env) {
    if (name.starts_with("METRICS_") && name != "METRICS_NAMESPACE")
      return config_error("unknown setting " + name + " (known: METRICS, METRICS_NAMESPACE)");
  }
  const std::string format = get_or(env, "AWS_LAMBDA_LOG_FORMAT", "JSON");
  if (!parse_log_format(format, c.log_format))
    return config_error("AWS_LAMBDA_LOG_FORMAT must be JSON or Text; got '" + format + "'");
  const std::string level = get_or(env, "AWS_LAMBDA_LOG_LEVEL", "INFO");
  if (!parse_log_level(level, c.log_level))
    return config_error(
        "AWS_LAMBDA_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, "
        "FATAL; got '" +
        level + "'");
  const std::string metrics = get_or(env, "METRICS", "on");
  if (metrics != "on" && metrics != "off")
    return config_error("METRICS must be on or off; got '" + metrics + "'");
  c.metrics = metrics == "on";
  c.metrics_namespace = get_or(env, "METRICS_NAMESPACE", "KinesisClickHouse");
  if (!is_metrics_namespace(c.metrics_namespace))
    return config_error(
        "METRICS_NAMESPACE must be 1 to 255 of the characters 0-9 A-Z a-z . - _ / "
        "# : and space, not start with AWS/; got '" +
        c.metrics_namespace + "'");
  c.function_name = get_or(env, "AWS_LAMBDA_FUNCTION_NAME", "local");
  return Unit{};
}

bool is_http_url(const std::string& url) {
  return (url.starts_with("http://") && url.size() > 7) ||
         (url.starts_with("https://") && url.size() > 8);
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_clickhouse_settings(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (text.empty()) return out;
  size_t n = 0;
  for (;;) {
    ++n;
    const size_t comma = text.find(',');
    const std::string_view entry = text.substr(0, comma);
    const size_t eq = entry.find('=');
    const std::string_view name = entry.substr(0, eq);
    const std::string where = "CLICKHOUSE_SETTINGS entry " + std::to_string(n);
    if (eq == std::string_view::npos || eq + 1 == entry.size())
      return config_error(where + " is not name=value");
    if (!is_setting_name(name))
      return config_error(where + ": a setting name is [a-z0-9_]+");
    for (const char* r : kReservedSettings)
      if (name == r)
        return config_error("CLICKHOUSE_SETTINGS may not set " + std::string(name) +
                            ": the function sets it (see CLICKHOUSE_ASYNC_INSERT)");
    for (const auto& [seen, value] : out)
      if (seen == name) return config_error("CLICKHOUSE_SETTINGS names " + seen + " twice");
    out.emplace_back(std::string(name), std::string(entry.substr(eq + 1)));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

const char* compression_name(Compression codec) noexcept {
  return kCompressionNames[static_cast<size_t>(codec)];
}

EnvMap env_from_environ(char** environ) {
  EnvMap env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq == nullptr) continue;
    env.emplace(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
  }
  return env;
}

Result<Config> Config::from_env(const EnvMap& env) {
  Config c;
  for (const auto& [name, value] : env) {
    if (!name.starts_with("CLICKHOUSE_")) continue;
    bool known = false;
    for (const char* k : kKnownClickhouseVars) known = known || name == k;
    if (!known)
      return config_error("unknown setting " + name + " (known: " + joined(kKnownClickhouseVars) + ")");
  }

  c.clickhouse_url = get_or(env, "CLICKHOUSE_URL", "");
  if (c.clickhouse_url.empty()) return config_error("CLICKHOUSE_URL is required");
  if (!is_http_url(c.clickhouse_url))
    return config_error("CLICKHOUSE_URL must start with http:// or https://");
  while (c.clickhouse_url.ends_with('/')) c.clickhouse_url.pop_back();

  c.clickhouse_user = get_or(env, "CLICKHOUSE_USER", "default");
  c.clickhouse_password = get_or(env, "CLICKHOUSE_PASSWORD", "");
  c.clickhouse_database = get_or(env, "CLICKHOUSE_DATABASE", "default");
  if (!is_identifier(c.clickhouse_database))
    return config_error("CLICKHOUSE_DATABASE is not a valid identifier: " + c.clickhouse_database);
  c.clickhouse_ca_file = get_or(env, "CLICKHOUSE_CA_FILE", "");
  // Exactly the Content-Encoding tokens (lower case), so that what is
  // configured is what the server sees; a typo fails here, not per batch.
  const std::string compression = get_or(env, "CLICKHOUSE_COMPRESSION", "none");
  const auto* name = std::find(std::begin(kCompressionNames), std::end(kCompressionNames), compression);
  if (name == std::end(kCompressionNames))
    return config_error("CLICKHOUSE_COMPRESSION must be one of " + joined(kCompressionNames) +
                        "; got '" + compression + "'");
  c.clickhouse_compression = static_cast<Compression>(name - std::begin(kCompressionNames));
  c.ca_path = get_or(env, "K2C_CA_PATH", "");
  auto settings = parse_clickhouse_settings(get_or(env, "CLICKHOUSE_SETTINGS", ""));
  if (!settings.ok()) return std::move(settings).error();
  c.clickhouse_settings = std::move(settings).value();
  const std::string async = get_or(env, "CLICKHOUSE_ASYNC_INSERT", "0");
  if (async != "0" && async != "1")
    return config_error("CLICKHOUSE_ASYNC_INSERT must be 0 or 1; got '" + async + "'");
  c.async_insert = async == "1";

  c.routes_table = get_or(env, "ROUTES_TABLE", "");
  if (c.routes_table.empty()) return config_error("ROUTES_TABLE is required");

  c.dead_letter_table = get_or(env, "DEAD_LETTER_TABLE", "kinesis_dead_letter");
  if (!is_identifier(c.dead_letter_table))
    return config_error("DEAD_LETTER_TABLE is not a valid identifier: " + c.dead_letter_table);

  std::string ttl = get_or(env, "ROUTE_CACHE_TTL_SECONDS", "60");
  int ttl_value = -1;
  auto [ptr, ec] = std::from_chars(ttl.data(), ttl.data() + ttl.size(), ttl_value);
  if (ec != std::errc() || ptr != ttl.data() + ttl.size() || ttl_value < 0 || ttl_value > 86400)
    return config_error("ROUTE_CACHE_TTL_SECONDS must be an integer from 0 to 86400, got '" + ttl +
                        "'");
  c.route_cache_ttl_seconds = ttl_value;

  c.aws_region = get_or(env, "AWS_REGION", get_or(env, "AWS_DEFAULT_REGION", ""));
  if (c.aws_region.empty()) return config_error("AWS_REGION is required");
  c.aws_access_key_id = get_or(env, "AWS_ACCESS_KEY_ID", "");
  c.aws_secret_access_key = get_or(env, "AWS_SECRET_ACCESS_KEY", "");
  c.aws_session_token = get_or(env, "AWS_SESSION_TOKEN", "");
  if (c.aws_access_key_id.empty()) return config_error("AWS_ACCESS_KEY_ID is required");
  if (c.aws_secret_access_key.empty()) return config_error("AWS_SECRET_ACCESS_KEY is required");

  c.dynamodb_endpoint =
      get_or(env, "AWS_ENDPOINT_URL_DYNAMODB",
             get_or(env, "AWS_ENDPOINT_URL", "https://dynamodb." + c.aws_region + ".amazonaws.com"));
  if (!is_http_url(c.dynamodb_endpoint))
    return config_error("AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL must start with http:// or "
                        "https://");
  while (c.dynamodb_endpoint.ends_with('/')) c.dynamodb_endpoint.pop_back();

  if (auto st = logs_and_metrics_from_env(env, c); !st.ok()) return std::move(st).error();
  return c;
}

}  // namespace k2c
