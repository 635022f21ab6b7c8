// bootstrap: the Lambda custom runtime entry point.
//
// Reads the environment once, validates the configuration (an invalid one
// goes to /runtime/init/error and the process exits non-zero), then serves
// invocations until the Runtime API goes away. Log lines go to stderr in the
// AWS_LAMBDA_LOG_FORMAT of the configuration; metrics lines to stdout.
#include <fmt/core.h>

#include "app/config.h"
#include "app/function.h"
#include "base/log.h"
#include "runtime/runtime_api.h"
#include "runtime/runtime_api_client.h"

extern char** environ;

int main() {
  const k2c::EnvMap env = k2c::env_from_environ(environ);
  auto api = env.find("AWS_LAMBDA_RUNTIME_API");
  if (api == env.end() || api->second.empty()) {
    fmt::print(stderr, "AWS_LAMBDA_RUNTIME_API is not set: bootstrap runs under Lambda or the "
                       "local emulator (tools/emulator.py)\n");
    return 1;
  }
  k2c::CurlRuntimeTransport transport(api->second);
  auto config = k2c::Config::from_env(env);
  // The runtime loop's lines go to the same log, in the same format.
  const k2c::LogFormat format = config.ok() ? config->log_format : k2c::LogFormat::json;
  const k2c::LogLevel level = config.ok() ? config->log_level : k2c::LogLevel::info;
  k2c::Logger log(k2c::LogSink::standard_error(), k2c::Clock::system(), format, level);
  k2c::RunOptions options;
  options.log = [&log](k2c::LogLevel l, std::string_view line) { log.log(l, "", line); };
  if (!config.ok()) {
    log.log(k2c::LogLevel::fatal, "", "configuration error: " + config.error().message);
    return k2c::report_init_error(transport, k2c::invocation_error_from(config.error()), options);
  }
  k2c::HttpClient clickhouse_http(
      k2c::TlsOptions{config->clickhouse_ca_file, config->ca_path});
  k2c::HttpClient dynamodb_http(k2c::TlsOptions{"", config->ca_path});
  k2c::Function function(
      std::move(config).value(),
      k2c::FunctionEnv{k2c::Clock::system(), clickhouse_http, dynamodb_http,
                       k2c::LogSink::standard_error(), k2c::LogSink::standard_output()});
  // A CLICKHOUSE_SETTINGS name the server does not have fails here, at init.
  const k2c::Deadline init_deadline{k2c::now_epoch_ms() + 3000};
  if (auto st = function.check_settings(init_deadline); !st.ok()) {
    fmt::print(stderr, "configuration error: {}\n", st.error().message);
    return k2c::report_init_error(transport, k2c::invocation_error_from(st.error()), options);
  }
  return k2c::run([&](const k2c::Invocation& inv) { return function.handle(inv); }, transport,
                  options);
}
