// One way to report failure across modules.
//
// An Error carries a Kind that decides what happens next, and a message for
// humans. Messages never contain secrets: callers pass only names and values
// that came from the data or from non-secret configuration.
//   bad_record -> the record goes to the dead-letter table
//   transient  -> retried inside the deadline, then reported for retry
//   permanent  -> cannot succeed by retrying the same call (401, unknown table);
//                 the batch is still reported for retry so nothing is lost
//   config     -> an init error; the process exits
//   invalid_event -> the invocation is not a Kinesis event: invocation error
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace k2c {

enum class ErrorKind { bad_record, transient, permanent, config, invalid_event };

const char* to_string(ErrorKind kind) noexcept;

// A stable token for machines. The bad_record ones are the dead-letter
// table's error_kind values (SPEC §5); to_string() gives their text.
enum class ErrorCode : uint8_t {
  none,
  // bad_record: the dead-letter table's error_kind
  invalid_base64,
  invalid_compression,
  payload_too_large,
  invalid_json,
  not_an_object,
  value_rejected,
  // everything else
  invalid_event,
  unsupported_type,
  no_columns,
  missing_route,
  deadline,
  clickhouse_error,
  clickhouse_answer,
  internal_error,
  compression,
};

const char* to_string(ErrorCode code) noexcept;

struct Error {
  ErrorKind kind;
  std::string message;
  ErrorCode code = ErrorCode::none;
};

inline Error make_error(ErrorKind kind, std::string message, ErrorCode code = ErrorCode::none) {
  return Error{kind, std::move(message), code};
}

// A minimal std::expected stand-in (C++23 is not our baseline).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}     // NOLINT
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};

// Result of an operation that yields nothing but may fail.
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace k2c
