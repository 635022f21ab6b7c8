// HTTP plumbing over one libcurl easy handle.
//
// An HttpClient owns one curl handle and reuses it, so the connection to a
// host stays alive across requests and invocations. It is not thread-safe:
// one client per endpoint per thread. Transport failures (refused, reset,
// timeout) come back as ErrorKind::transient; any HTTP status is a success
// of the transport and is left for the caller to judge.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace k2c {

struct HttpRequest {
  const char* method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string_view body;             // sent as-is, without a copy
  long timeout_ms = 0;               // total; 0 = no limit
  long connect_timeout_ms = 0;       // 0 = curl's default
  // SigV4 signing by curl (CURLOPT_AWS_SIGV4), e.g. "aws:amz:us-east-1:dynamodb".
  std::string aws_sigv4;
  std::string aws_credentials;  // "ACCESS_KEY:SECRET"; never logged
};

// Spare capacity every response body keeps after its last byte (at least
// simdjson's SIMDJSON_PADDING, checked where the event is parsed).
inline constexpr size_t kResponsePadding = 64;

struct HttpResponse {
  long status = 0;
  std::string body;  // capacity() >= size() + kResponsePadding once written
  // Header names lower-cased, values trimmed.
  std::vector<std::pair<std::string, std::string>> headers;

  std::string_view header(std::string_view lower_name) const;
};

struct TlsOptions {
  std::string ca_file;  // CURLOPT_CAINFO when set
  std::string ca_path;  // CURLOPT_CAPATH when set
};

// The door to the network for the function's clients: HttpClient below is
// the real one; tests pass fakes that answer from a script (a fault no real
// server can be made to show, a lost answer, or orchestration unit tests).
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // One request; transport failures are ErrorKind::transient, any HTTP status a success.
  virtual Result<HttpResponse> perform(const HttpRequest& request) = 0;
};

class HttpClient final : public HttpTransport {
 public:
  explicit HttpClient(TlsOptions tls = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one request. The response body is appended to a buffer that is
  // reused across calls (the returned HttpResponse owns a copy).
  Result<HttpResponse> perform(const HttpRequest& request) override;

 private:
  void* curl_;  // CURL*
  TlsOptions tls_;
};

// Percent-encodes a string for use in a URL query component.
std::string url_encode(std::string_view s);
// The same, appended to `out` (a reused buffer: no allocation once grown).
void append_url_encoded(std::string& out, std::string_view s);

}  // namespace k2c
