// Route lookup in DynamoDB: one GetItem on the routes table, signed with SigV4.
//
// RouteClient owns its HttpClient (one keep-alive connection to the DynamoDB
// endpoint) and copies what it needs from Config. curl signs each request
// (CURLOPT_AWS_SIGV4); we add X-Amz-Security-Token ourselves when Lambda gives
// us a session token, and curl signs it along with the other headers.
//
// get_route() answers:
//   a Route                   the item exists and its names are identifiers
//   std::nullopt              no item for the stream (the caller names the ARN)
//   ErrorKind::transient      transport failure, 5xx, throttling: retried here
//                             a few times within the deadline first
//   ErrorKind::permanent      any other 4xx (routes table missing, bad
//                             credentials, access denied) with DynamoDB's
//                             __type and message; an item without `table`;
//                             a name that is not a valid identifier
// Messages never contain the secret key or the session token.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/route.h"
#include "app/config.h"
#include "base/deadline.h"
#include "base/env.h"
#include "base/error.h"
#include "http/http.h"

namespace k2c {

class RouteClient {
 public:
  // `http` and `clock` must outlive the client.
  RouteClient(const Config& config, HttpTransport& http, Clock& clock);

  Result<std::optional<Route>> get_route(std::string_view stream_arn, const Deadline& deadline);

 private:
  Result<std::optional<Route>> get_route_once(std::string_view stream_arn,
                                              const Deadline& deadline);
  std::string redact(std::string message) const;

  std::string url_;
  std::string routes_table_;
  std::string sigv4_;         // "aws:amz:<region>:dynamodb"
  std::string credentials_;   // "AKID:SECRET": secret
  std::string secret_key_;    // kept only to scrub messages
  std::string token_header_;  // "X-Amz-Security-Token: ..." or empty: secret
  std::string session_token_;
  HttpTransport& http_;
  Clock& clock_;
};

// The GetItem request body for `stream_arn` in `routes_table` (JSON-escaped).
std::string get_item_body(std::string_view routes_table, std::string_view stream_arn);

// Judges one GetItem response (status and body) as described above. Exposed
// for unit tests; get_route() is the way in.
Result<std::optional<Route>> parse_get_item_response(long status, std::string_view body,
                                                     std::string_view routes_table,
                                                     std::string_view stream_arn);

}  // namespace k2c
