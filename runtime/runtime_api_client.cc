#include "runtime/runtime_api_client.h"

#include <fmt/format.h>

#include <charconv>
#include <utility>

namespace k2c {
namespace {

// The status classes of the Runtime API: 5xx means the API itself is in
// trouble (retry, then exit); 4xx means this call can never succeed.
Status check_status(const HttpResponse& resp, std::string_view what) {
  if (resp.status >= 200 && resp.status < 300) return ok_status();
  ErrorKind kind = resp.status >= 500 ? ErrorKind::transient : ErrorKind::permanent;
  std::string detail = resp.status == 413 ? " (payload too large)" : "";
  return make_error(kind, fmt::format("Runtime API {}: HTTP {}{}: {}", what, resp.status, detail,
                                      resp.body.substr(0, 512)));
}

int64_t parse_deadline(std::string_view text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return 0;
  return value;
}

// A header value must not carry a line break: it would end the header.
std::string header_safe(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  return out;
}

}  // namespace

CurlRuntimeTransport::CurlRuntimeTransport(std::string runtime_api)
    : base_url_("http://" + std::move(runtime_api) + "/2018-06-01/runtime") {}

Result<Invocation> CurlRuntimeTransport::next() {
  HttpRequest req;
  req.method = "GET";
  req.url = base_url_ + "/invocation/next";
  // timeout_ms stays 0: the call blocks for as long as the function is idle.
  auto resp = http_.perform(req);
  if (!resp.ok()) return std::move(resp).error();
  if (Status s = check_status(*resp, "next"); !s.ok()) return std::move(s).error();

  Invocation inv;
  inv.request_id = std::string(resp->header("lambda-runtime-aws-request-id"));
  if (inv.request_id.empty())
    return make_error(ErrorKind::permanent,
                      "Runtime API next: response without Lambda-Runtime-Aws-Request-Id");
  inv.deadline_ms = parse_deadline(resp->header("lambda-runtime-deadline-ms"));
  inv.function_arn = std::string(resp->header("lambda-runtime-invoked-function-arn"));
  inv.trace_id = std::string(resp->header("lambda-runtime-trace-id"));
  inv.body = std::move(resp->body);
  return inv;
}

Status CurlRuntimeTransport::respond(const std::string& request_id, std::string_view body) {
  return post(base_url_ + "/invocation/" + url_encode(request_id) + "/response", body, {},
              "response");
}

Status CurlRuntimeTransport::fail(const std::string& request_id, const InvocationError& error) {
  return post(base_url_ + "/invocation/" + url_encode(request_id) + "/error",
              render_error_body(error), error.error_type, "invocation error");
}

Status CurlRuntimeTransport::init_error(const InvocationError& error) {
  return post(base_url_ + "/init/error", render_error_body(error), error.error_type, "init error");
}

Status CurlRuntimeTransport::post(const std::string& url, std::string_view body,
                                  const std::string& error_type, std::string_view what) {
  HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.body = body;
  // Our responses and error bodies are JSON; without this curl would label
  // them application/x-www-form-urlencoded.
  req.headers.push_back("Content-Type: application/json");
  if (!error_type.empty())
    req.headers.push_back("Lambda-Runtime-Function-Error-Type: " + header_safe(error_type));
  auto resp = http_.perform(req);
  if (!resp.ok()) return std::move(resp).error();
  return check_status(*resp, what);
}

}  // namespace k2c
