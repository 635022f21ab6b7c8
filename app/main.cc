// bootstrap: the Lambda custom runtime entry point.
//
// Reads the environment once, validates the configuration (an invalid one
// goes to /runtime/init/error and the process exits non-zero), then serves
// invocations until the Runtime API goes away.
#include <fmt/core.h>

#include "app/function.h"
#include "app/config.h"
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
  k2c::RunOptions options;
  auto config = k2c::Config::from_env(env);
  if (!config.ok()) {
    fmt::print(stderr, "configuration error: {}\n", config.error().message);
    return k2c::report_init_error(transport, k2c::invocation_error_from(config.error()), options);
  }
  k2c::HttpClient clickhouse_http(
      k2c::TlsOptions{config->clickhouse_ca_file, config->ca_path});
  k2c::HttpClient dynamodb_http(k2c::TlsOptions{"", config->ca_path});
  k2c::Function function(std::move(config).value(),
                         k2c::FunctionEnv{k2c::Clock::system(), clickhouse_http, dynamodb_http,
                                          k2c::LogSink::standard_error()});
  // A CLICKHOUSE_SETTINGS name the server does not have fails here, at init.
  const k2c::Deadline init_deadline{k2c::now_epoch_ms() + 3000};
  if (auto st = function.check_settings(init_deadline); !st.ok()) {
    fmt::print(stderr, "configuration error: {}\n", st.error().message);
    return k2c::report_init_error(transport, k2c::invocation_error_from(st.error()), options);
  }
  return k2c::run([&](const k2c::Invocation& inv) { return function.handle(inv); }, transport,
                  options);
}
