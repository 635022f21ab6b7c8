#include "app/clickhouse_client.h"

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/clickhouse_errors.h"
#include "base/identifier.h"

namespace k2c {
namespace {

std::string excerpt(std::string_view body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
  if (body.size() > 400) return std::string(body.substr(0, 400)) + "...";
  return std::string(body);
}

// Reads the string member `key` of `row` into `out`: false when it is not a
// string, or is absent and !absent_ok. Only non-throwing nlohmann calls
// (find, get_ptr).
bool string_member(const nlohmann::json& row, const char* key, bool absent_ok, std::string& out) {
  auto it = row.find(key);
  if (it == row.end()) return absent_ok;
  const auto* s = it->get_ptr<const nlohmann::json::string_t*>();
  if (s == nullptr) return false;
  out = *s;
  return true;
}

}  // namespace

Result<std::vector<ColumnInfo>> parse_describe_answer(std::string_view body) {
  std::vector<ColumnInfo> columns;
  std::string_view rest = body;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (line.empty()) continue;
    // No exceptions: invalid JSON parses to a discarded value.
    const auto row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ColumnInfo c;
    if (!row.is_object() || !string_member(row, "name", false, c.name) ||
        !string_member(row, "type", false, c.type) ||
        !string_member(row, "default_type", true, c.default_kind) ||
        !string_member(row, "default_expression", true, c.default_expression))
      return make_error(ErrorKind::transient, "unexpected DESCRIBE answer: " + excerpt(line),
                        ErrorCode::clickhouse_answer);
    columns.push_back(std::move(c));
  }
  return columns;
}

ClickHouseClient::ClickHouseClient(const Config& config, HttpTransport& http, Clock& clock)
    : url_(config.clickhouse_url),
      http_(http),
      clock_(clock),
      compressor_(config.clickhouse_compression) {
  auth_headers_.push_back("X-ClickHouse-User: " + config.clickhouse_user);
  if (!config.clickhouse_password.empty())
    auth_headers_.push_back("X-ClickHouse-Key: " + config.clickhouse_password);
}

Result<std::string> ClickHouseClient::post(const std::string& url, std::string_view body,
                                           std::string_view content_encoding,
                                           const Deadline& deadline) {
  constexpr int kAttempts = 3;
  std::chrono::milliseconds backoff{100};
  for (int attempt = 1;; ++attempt) {
    if (deadline.expired())
      return make_error(ErrorKind::transient, "no time left before the invocation deadline",
                        ErrorCode::deadline);
    // One request object, reused: its strings keep their capacity, so a
    // steady state of inserts allocates nothing here.
    HttpRequest& req = request_;
    req.method = "POST";
    req.url.assign(url);
    req.headers.resize(auth_headers_.size() + 1 + (content_encoding.empty() ? 0 : 1));
    for (size_t i = 0; i < auth_headers_.size(); ++i) req.headers[i].assign(auth_headers_[i]);
    req.headers[auth_headers_.size()].assign("Content-Type: application/octet-stream");
    if (!content_encoding.empty())
      req.headers.back().assign("Content-Encoding: ").append(content_encoding);
    req.body = body;
    req.timeout_ms = deadline.call_timeout_ms();
    req.connect_timeout_ms = deadline.connect_timeout_ms();
    auto resp = http_.perform(req);
    Error error{ErrorKind::transient, ""};
    if (resp.ok()) {
      if (resp->status == 200) return std::move(resp->body);
      error = classify_clickhouse_error(resp->status, resp->body,
                                        resp->header("x-clickhouse-exception-code"));
    } else {
      error = std::move(resp).error();
      error.message = "ClickHouse: " + error.message;
    }
    if (error.kind != ErrorKind::transient || attempt == kAttempts ||
        deadline.remaining_ms() - Deadline::kReserveMs < backoff.count() + 200) {
      if (attempt > 1) error.message += " (after " + std::to_string(attempt) + " attempts)";
      return error;
    }
    clock_.sleep_ms(backoff.count());
    backoff *= 2;
  }
}

Result<std::string> ClickHouseClient::query(std::string_view sql, const Deadline& deadline) {
  return post(url_ + "/", sql, {}, deadline);
}

Result<std::vector<ColumnInfo>> ClickHouseClient::describe(std::string_view database,
                                                           std::string_view table,
                                                           const Deadline& deadline) {
  auto body = query("DESCRIBE TABLE " + quote_identifier(database) + "." + quote_identifier(table) +
                        " FORMAT JSONEachRow",
                    deadline);
  if (!body.ok()) return std::move(body).error();
  return parse_describe_answer(*body);
}

Result<ServerVersion> ClickHouseClient::version(const Deadline& deadline) {
  if (have_version_) return version_;
  auto body = query("SELECT version()", deadline);
  if (!body.ok()) return std::move(body).error();
  ServerVersion v;
  const char* b = body->data();
  const char* e = b + body->size();
  auto r1 = std::from_chars(b, e, v.major);
  if (r1.ec == std::errc() && r1.ptr < e && *r1.ptr == '.') std::from_chars(r1.ptr + 1, e, v.minor);
  version_ = v;
  have_version_ = true;
  return v;
}

Result<const std::set<std::string>*> ClickHouseClient::settings_known(
    const std::vector<std::string>& names, const Deadline& deadline) {
  if (have_settings_) return &settings_;
  std::string sql = "SELECT name FROM system.settings WHERE name IN (";
  for (size_t i = 0; i < names.size(); ++i) {
    if (!is_setting_name(names[i])) continue;  // never SQL text: only [a-z0-9_]
    sql += (sql.back() == '(' ? "'" : ",'") + names[i] + "'";
  }
  sql += ") FORMAT TabSeparated";
  if (sql.find("IN ()") != std::string::npos) {
    settings_.clear();
    have_settings_ = true;
    return &settings_;
  }
  auto body = query(sql, deadline);
  if (!body.ok()) return std::move(body).error();
  std::set<std::string> found;
  std::string_view rest = *body;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    if (nl != 0) found.emplace(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  }
  settings_ = std::move(found);
  have_settings_ = true;
  return &settings_;
}

Status ClickHouseClient::insert(std::string_view database, std::string_view table,
                                std::string_view columns, std::string_view format,
                                std::string_view body,
                                const std::vector<std::pair<std::string, std::string>>& settings,
                                const Deadline& deadline) {
  std::string& sql = sql_;
  sql.assign("INSERT INTO ");
  append_quoted_identifier(sql, database);
  sql += '.';
  append_quoted_identifier(sql, table);
  sql.append(" (").append(columns).append(") FORMAT ").append(format);
  std::string& url = insert_url_;
  url.assign(url_).append("/?query=");
  append_url_encoded(url, sql);
  for (const auto& [name, value] : settings) {
    url.append("&").append(name).append("=");
    append_url_encoded(url, value);
  }
  // Once per insert: every retry inside post() sends these same bytes.
  auto wire = compressor_.compress(body);
  if (!wire.ok()) return std::move(wire).error();
  insert_bytes_sent_ += wire->size();
  auto r = post(url, *wire, content_encoding(compressor_.codec()), deadline);
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

}  // namespace k2c
