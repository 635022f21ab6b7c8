// CurlRuntimeTransport: the Lambda Runtime API (2018-06-01) over HTTP.
//
// Constructed from AWS_LAMBDA_RUNTIME_API ("host:port"), which main() reads
// from its EnvMap. GET /runtime/invocation/next has no timeout: Lambda
// freezes the sandbox while it waits, and a timeout would only turn an idle
// function into errors. Status mapping, as RuntimeTransport expects:
// transport failures and 5xx are ErrorKind::transient; other non-2xx
// statuses (400, 403, 413 payload too large) are ErrorKind::permanent. A
// /next answer without a request id is permanent too: nothing could be
// posted for it. Not thread-safe (one HttpClient, reused so the connection
// to the Runtime API stays open).
#pragma once

#include <string>
#include <string_view>

#include "http/http.h"
#include "runtime/runtime_api.h"

namespace k2c {

class CurlRuntimeTransport : public RuntimeTransport {
 public:
  explicit CurlRuntimeTransport(std::string runtime_api);

  Result<Invocation> next() override;
  Status respond(const std::string& request_id, std::string_view body) override;
  Status fail(const std::string& request_id, const InvocationError& error) override;
  Status init_error(const InvocationError& error) override;

 private:
  // `error_type` empty = no Lambda-Runtime-Function-Error-Type header;
  // `what` names the call in error messages.
  Status post(const std::string& url, std::string_view body, const std::string& error_type,
              std::string_view what);

  std::string base_url_;  // http://host:port/2018-06-01/runtime
  HttpClient http_;
};

}  // namespace k2c
