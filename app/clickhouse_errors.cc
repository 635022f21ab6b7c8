#include "app/clickhouse_errors.h"

#include <charconv>
#include <string>

namespace k2c {
namespace {

constexpr ErrorKind T = ErrorKind::transient;
constexpr ErrorKind P = ErrorKind::permanent;

// Names checked against errorCodeToName() of ClickHouse 26.7.
constexpr ClickHouseCode kCodes[] = {
    // The server is busy, short of resources, or lost a peer: it may
    // succeed on a later try.
    {159, "TIMEOUT_EXCEEDED", T},
    {160, "TOO_SLOW", T},
    {202, "TOO_MANY_SIMULTANEOUS_QUERIES", T},
    {203, "NO_FREE_CONNECTION", T},
    {209, "SOCKET_TIMEOUT", T},
    {210, "NETWORK_ERROR", T},
    {236, "ABORTED", T},
    {241, "MEMORY_LIMIT_EXCEEDED", T},
    {242, "TABLE_IS_READ_ONLY", T},  // a replica without Keeper, for a while
    {252, "TOO_MANY_PARTS", T},
    {285, "TOO_FEW_LIVE_REPLICAS", T},
    {319, "UNKNOWN_STATUS_OF_INSERT", T},
    {394, "QUERY_WAS_CANCELLED", T},
    {425, "SYSTEM_ERROR", T},
    {439, "CANNOT_SCHEDULE_TASK", T},
    {999, "KEEPER_EXCEPTION", T},
    // The table, the data or the credentials are wrong: the same request
    // fails the same way until someone changes something.
    {16, "NO_SUCH_COLUMN_IN_TABLE", P},
    {27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", P},
    {33, "CANNOT_READ_ALL_DATA", P},
    {36, "BAD_ARGUMENTS", P},
    {44, "ILLEGAL_COLUMN", P},
    {47, "UNKNOWN_IDENTIFIER", P},
    {50, "UNKNOWN_TYPE", P},
    {53, "TYPE_MISMATCH", P},
    {60, "UNKNOWN_TABLE", P},
    {62, "SYNTAX_ERROR", P},
    {70, "CANNOT_CONVERT_TYPE", P},
    {73, "UNKNOWN_FORMAT", P},
    {81, "UNKNOWN_DATABASE", P},
    {89, "UNKNOWN_COMPRESSION_METHOD", P},  // the server cannot decode our Content-Encoding
    {115, "UNKNOWN_SETTING", P},
    {117, "INCORRECT_DATA", P},
    {164, "READONLY", P},
    {192, "UNKNOWN_USER", P},
    {193, "WRONG_PASSWORD", P},
    {194, "REQUIRED_PASSWORD", P},
    {195, "IP_ADDRESS_NOT_ALLOWED", P},
    {349, "CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN", P},
    {452, "SETTING_CONSTRAINT_VIOLATION", P},
    {497, "ACCESS_DENIED", P},
    {516, "AUTHENTICATION_FAILED", P},
};

int leading_int(std::string_view s) noexcept {
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p != s.data() ? v : -1;
}

std::string excerpt(std::string_view body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
  if (body.size() > 400) return std::string(body.substr(0, 400)) + "...";
  return std::string(body);
}

}  // namespace

std::span<const ClickHouseCode> clickhouse_codes() noexcept { return kCodes; }

int clickhouse_error_code(std::string_view code_header, std::string_view body) noexcept {
  if (int code = leading_int(code_header); code >= 0) return code;
  const auto pos = body.find("Code: ");
  return pos == std::string_view::npos ? -1 : leading_int(body.substr(pos + 6));
}

Error classify_clickhouse_error(long status, std::string_view body, std::string_view code_header) {
  const int code = clickhouse_error_code(code_header, body);
  ErrorKind kind = status == 401 || status == 403 ? ErrorKind::permanent : ErrorKind::transient;
  for (const auto& c : kCodes)
    if (c.code == code) kind = c.kind;
  std::string msg = "ClickHouse answered HTTP " + std::to_string(status) + ": " + excerpt(body);
  if (kind == ErrorKind::permanent) msg += " (not retried: the same request would fail again)";
  return make_error(kind, std::move(msg), ErrorCode::clickhouse_error);
}

}  // namespace k2c
