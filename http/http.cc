#include "http/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>

namespace k2c {
namespace {

std::once_flag g_curl_init;

size_t write_body(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  // Keep kResponsePadding spare bytes of capacity so that a JSON parser that
  // reads past the end (simdjson) can parse the body in place.
  const size_t need = body->size() + size * n + kResponsePadding;
  if (body->capacity() < need) body->reserve(std::max(need, 2 * body->capacity()));
  body->append(data, size * n);
  return size * n;
}

size_t write_header(char* data, size_t size, size_t n, void* user) {
  auto* resp = static_cast<HttpResponse*>(user);
  auto* headers = &resp->headers;
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) headers->clear();  // a new response (after 100-continue)
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    // The body's whole size is known: one allocation for it instead of
    // doubling from 16 KB (a 1 MB event took seven, and as many copies).
    if (name == "content-length") {
      size_t length = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      constexpr size_t kMaxReserve = 64u << 20;  // a bound, whatever a server claims
      if (ec == std::errc() && end == value.data() + value.size() && length > 0)
        resp->body.reserve(std::min(length, kMaxReserve) + kResponsePadding);
    }
    headers->emplace_back(std::move(name), std::string(value));
  }
  return size * n;
}

}  // namespace

std::string_view HttpResponse::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return {};
}

HttpClient::HttpClient(TlsOptions tls) : tls_(std::move(tls)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Result<HttpResponse> HttpClient::perform(const HttpRequest& req) {
  CURL* c = static_cast<CURL*>(curl_);
  if (c == nullptr) return make_error(ErrorKind::transient, "curl_easy_init failed");
  curl_easy_reset(c);  // keeps the connection cache; clears options of the last call
  HttpResponse resp;
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &write_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp);
  // Fewer, larger reads of a large body (an event of up to 6 MB): 256 KB
  // instead of curl's 16 KB default.
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 256L * 1024);
  if (!tls_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, tls_.ca_file.c_str());
  if (!tls_.ca_path.empty()) curl_easy_setopt(c, CURLOPT_CAPATH, tls_.ca_path.c_str());
  if (req.timeout_ms > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  if (req.connect_timeout_ms > 0)
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req.connect_timeout_ms);

  std::string_view method = req.method;
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    // POSTFIELDS (not a read callback) so that curl's SigV4 signs the real body.
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
  } else if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method);
  }

  curl_slist* headers = nullptr;
  for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
  // Large bodies: do not wait for "100 Continue". Not with SigV4: curl < 8.3
  // signs the suppressed header although it is never sent (curl issue 11664),
  // and AWS then rejects the signature; SigV4 bodies here are small anyway.
  if (req.aws_sigv4.empty()) headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (!req.aws_sigv4.empty()) {
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, req.aws_sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERPWD, req.aws_credentials.c_str());
  }

  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    std::string msg = errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(rc);
    return make_error(ErrorKind::transient, "HTTP " + std::string(method) + " failed: " + msg);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

std::string url_encode(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  append_url_encoded(out, s);
  return out;
}

void append_url_encoded(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
}

}  // namespace k2c
