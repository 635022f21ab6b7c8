#include "app/dynamo_client.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "base/identifier.h"

namespace k2c {
namespace {

using Json = nlohmann::json;

constexpr int kMaxAttempts = 3;
constexpr int64_t kBackoffMs[kMaxAttempts - 1] = {50, 100};
// One GetItem takes milliseconds; a hung attempt must leave time for a retry.
constexpr int64_t kAttemptCapMs = 5000;

// DynamoDB error types that mean "slow down and try again" even though they
// come with a 400.
constexpr std::string_view kRetryableTypes[] = {
    "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded"};

// "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" -> the part after '#'.
std::string short_type(std::string_view type) {
  auto hash = type.rfind('#');
  return std::string(hash == std::string_view::npos ? type : type.substr(hash + 1));
}

std::string string_field(const Json& j, const char* name) {
  auto it = j.find(name);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// The S value of attribute `name` in an Item: nullopt when absent or not S.
std::optional<std::string> string_attribute(const Json& item, const char* name) {
  auto it = item.find(name);
  if (it == item.end() || !it->is_object()) return std::nullopt;
  auto s = it->find("S");
  if (s == it->end() || !s->is_string()) return std::nullopt;
  return s->get<std::string>();
}

std::string single_quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

std::string get_item_body(std::string_view routes_table, std::string_view stream_arn) {
  nlohmann::ordered_json body;
  body["TableName"] = std::string(routes_table);
  body["Key"]["stream_arn"]["S"] = std::string(stream_arn);
  body["ConsistentRead"] = false;
  // Replace rather than throw on invalid UTF-8: DynamoDB then simply finds no item.
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::optional<Route>> parse_get_item_response(long status, std::string_view body,
                                                     std::string_view routes_table,
                                                     std::string_view stream_arn) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  const std::string what = "DynamoDB GetItem on routes table " + single_quoted(routes_table);

  if (status != 200) {
    std::string type = j.is_object() ? short_type(string_field(j, "__type")) : std::string();
    std::string message;
    if (j.is_object()) {
      message = string_field(j, "message");
      if (message.empty()) message = string_field(j, "Message");
    }
    std::string detail = what + " failed: HTTP " + std::to_string(status);
    if (!type.empty()) detail += " " + type;
    if (!message.empty()) detail += ": " + message;

    bool retryable = status >= 500 || status == 429;
    for (auto t : kRetryableTypes) retryable = retryable || (status == 400 && type == t);
    if (type == "ResourceNotFoundException")
      detail +=
          " (does the routes table " + single_quoted(routes_table) + " exist in this region?)";
    return make_error(retryable ? ErrorKind::transient : ErrorKind::permanent, std::move(detail));
  }

  // A 200 that is not JSON came from something in between (a proxy); worth a retry.
  if (!j.is_object())
    return make_error(ErrorKind::transient, what + " returned a body that is not a JSON object");
  auto item = j.find("Item");
  if (item == j.end() || item->is_null()) return std::optional<Route>();
  if (!item->is_object())
    return make_error(ErrorKind::transient, what + " returned an Item that is not an object");

  const std::string route_of =
      "route for stream " + std::string(stream_arn) + " in " + single_quoted(routes_table);
  auto table = string_attribute(*item, "table");
  if (!table)
    return make_error(ErrorKind::permanent,
                      route_of + " has no string attribute 'table' (expected {\"S\": \"name\"})");
  if (!is_identifier(*table))
    return make_error(ErrorKind::permanent, route_of + ": table name " + single_quoted(*table) +
                                                " is not a valid identifier");

  Route route;
  route.table = std::move(*table);
  if (item->contains("database")) {
    auto database = string_attribute(*item, "database");
    if (!database)
      return make_error(ErrorKind::permanent,
                        route_of +
                            ": attribute 'database' is not a string (expected {\"S\": "
                            "\"name\"})");
    // An empty string is what some tools write for "none": same as absent.
    if (!database->empty() && !is_identifier(*database))
      return make_error(
          ErrorKind::permanent,
          route_of + ": database name " + single_quoted(*database) + " is not a valid identifier");
    route.database = std::move(*database);
  }
  if (item->contains("format")) {
    auto format = string_attribute(*item, "format");
    if (format && *format == "json") route.format = PayloadFormat::json;
    else if (format && *format == "text") route.format = PayloadFormat::text;
    else
      return make_error(ErrorKind::permanent,
                        route_of + ": attribute 'format' must be the string \"json\" or \"text\"");
  }
  if (item->contains("table_field")) {
    auto field = string_attribute(*item, "table_field");
    if (!field || (!field->empty() && !is_identifier(*field)))
      return make_error(ErrorKind::permanent,
                        route_of + ": attribute 'table_field' must be a string naming a payload key "
                                   "that is a valid identifier");
    if (route.format == PayloadFormat::text && !field->empty())
      return make_error(ErrorKind::permanent,
                        route_of + ": 'table_field' needs format \"json\" (a text payload has no keys)");
    route.table_field = std::move(*field);
  }
  return std::optional<Route>(std::move(route));
}

RouteClient::RouteClient(const Config& config, HttpTransport& http, Clock& clock)
    : url_(config.dynamodb_endpoint + "/"),
      routes_table_(config.routes_table),
      sigv4_("aws:amz:" + config.aws_region + ":dynamodb"),
      credentials_(config.aws_access_key_id + ":" + config.aws_secret_access_key),
      secret_key_(config.aws_secret_access_key),
      session_token_(config.aws_session_token),
      http_(http),
      clock_(clock) {
  if (!session_token_.empty()) token_header_ = "X-Amz-Security-Token: " + session_token_;
}

std::string RouteClient::redact(std::string message) const {
  // Belt and braces: nothing we build contains a secret, but a server's
  // message might echo one back.
  for (const std::string* secret : {&secret_key_, &session_token_}) {
    if (secret->empty()) continue;
    for (size_t pos = message.find(*secret); pos != std::string::npos;
         pos = message.find(*secret, pos))
      message.replace(pos, secret->size(), "[redacted]");
  }
  return message;
}

Result<std::optional<Route>> RouteClient::get_route_once(std::string_view stream_arn,
                                                         const Deadline& deadline) {
  std::string body = get_item_body(routes_table_, stream_arn);
  HttpRequest req;
  req.method = "POST";
  req.url = url_;
  req.headers = {"Content-Type: application/x-amz-json-1.0",
                 "X-Amz-Target: DynamoDB_20120810.GetItem"};
  if (!token_header_.empty()) req.headers.push_back(token_header_);
  req.body = body;
  req.timeout_ms = deadline.call_timeout_ms(kAttemptCapMs);
  req.connect_timeout_ms = deadline.connect_timeout_ms();
  req.aws_sigv4 = sigv4_;
  req.aws_credentials = credentials_;

  auto resp = http_.perform(req);
  if (!resp.ok())
    return make_error(ErrorKind::transient, "DynamoDB GetItem on routes table " +
                                                single_quoted(routes_table_) + " (" + url_ +
                                                "): " + resp.error().message);
  return parse_get_item_response(resp->status, resp->body, routes_table_, stream_arn);
}

Result<std::optional<Route>> RouteClient::get_route(std::string_view stream_arn,
                                                    const Deadline& deadline) {
  for (int attempt = 0;; ++attempt) {
    auto result = get_route_once(stream_arn, deadline);
    if (result.ok()) return result;
    Error error = std::move(result).error();
    error.message = redact(std::move(error.message));
    if (error.kind != ErrorKind::transient) return error;
    bool last = attempt + 1 >= kMaxAttempts;
    int64_t backoff = last ? 0 : kBackoffMs[attempt];
    // Only retry when a backoff plus a useful attempt still fit before the
    // reserve kept for answering the Runtime API.
    if (last || deadline.remaining_ms() - Deadline::kReserveMs < backoff + 100) {
      if (attempt > 0) error.message += " (after " + std::to_string(attempt + 1) + " attempts)";
      return error;
    }
    clock_.sleep_ms(backoff);
  }
}

}  // namespace k2c
