#include "base/error.h"

namespace k2c {

const char* to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::bad_record: return "bad_record";
    case ErrorKind::transient: return "transient";
    case ErrorKind::permanent: return "permanent";
    case ErrorKind::config: return "config";
    case ErrorKind::invalid_event: return "invalid_event";
  }
  return "unknown";
}

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::none: return "";
    case ErrorCode::invalid_base64: return "invalid_base64";
    case ErrorCode::invalid_compression: return "invalid_compression";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::not_an_object: return "not_an_object";
    case ErrorCode::value_rejected: return "value_rejected";
    case ErrorCode::invalid_event: return "invalid_event";
    case ErrorCode::unsupported_type: return "unsupported_type";
    case ErrorCode::no_columns: return "no_columns";
    case ErrorCode::missing_route: return "missing_route";
    case ErrorCode::deadline: return "deadline";
    case ErrorCode::clickhouse_error: return "clickhouse_error";
    case ErrorCode::clickhouse_answer: return "clickhouse_answer";
    case ErrorCode::internal_error: return "internal_error";
    case ErrorCode::compression: return "compression";
  }
  return "unknown";
}

}  // namespace k2c
