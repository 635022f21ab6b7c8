// The Lambda Runtime API as the run loop sees it: a transport and a loop.
//
// RuntimeTransport is the four calls of the Runtime API (next, respond, fail,
// init_error). CurlRuntimeTransport (runtime_api_client.h) speaks them over
// HTTP; tests pass a fake. run() pulls invocations, calls the handler and
// posts what it returns. It does no I/O of its own besides the transport and
// setting _X_AMZN_TRACE_ID.
//
// Transport contract: ErrorKind::transient = may succeed if repeated (refused,
// reset, 5xx); anything else = the Runtime API rejected the call (4xx, 413
// payload too large) and repeating it cannot help.
//
// Loop contract:
//   - a handler Error, a thrown std::exception or any other thrown object
//     becomes an invocation error for that request; the loop keeps serving;
//   - a transient transport failure is retried with bounded exponential
//     backoff; if next/respond/fail still fails, run() returns non-zero so
//     the process exits and Lambda starts a fresh one (the Runtime API
//     documents its 500 as "non-recoverable, exit promptly");
//   - a rejected response (e.g. 413) is not retried: the invocation is
//     failed instead with errorType "Runtime.ResponseRejected";
//   - a rejected next() ends the loop with a non-zero return;
//   - _X_AMZN_TRACE_ID is set for each invocation, unset when it has none.
//
// errorType of an invocation error, chosen so a CloudWatch filter can tell
// "our input was wrong" (Runtime.*) from "our work failed" (Handler.*):
//   invalid_event -> Runtime.InvalidEvent     transient  -> Handler.Transient
//   permanent     -> Handler.Permanent        bad_record -> Handler.BadRecord
//   config        -> Handler.Config
//   thrown std::exception -> Handler.Exception (message = what())
//   thrown anything else  -> Handler.UnknownException
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/deadline.h"
#include "base/error.h"
#include "base/json_string.h"  // append_json_string, for the error bodies
#include "base/log.h"

namespace k2c {

// One invocation, as handed out by GET /runtime/invocation/next.
struct Invocation {
  std::string request_id;    // Lambda-Runtime-Aws-Request-Id
  int64_t deadline_ms = 0;   // Lambda-Runtime-Deadline-Ms (epoch ms); 0 = unknown
  std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;      // Lambda-Runtime-Trace-Id; may be empty
  std::string body;          // the event, unparsed

  Deadline deadline() const { return Deadline{deadline_ms}; }
};

struct InvocationError {
  std::string error_type;
  std::string error_message;
};

// errorType for a handler Error of this kind (see the table above).
const char* error_type_for(ErrorKind kind) noexcept;
InvocationError invocation_error_from(const Error& error);

// `{"errorMessage":...,"errorType":...,"stackTrace":[]}`: the body of
// /invocation/{id}/error and /init/error.
std::string render_error_body(const InvocationError& error);

class RuntimeTransport {
 public:
  virtual ~RuntimeTransport() = default;
  // Blocks until Lambda hands out the next invocation (no timeout).
  virtual Result<Invocation> next() = 0;
  virtual Status respond(const std::string& request_id, std::string_view body) = 0;
  virtual Status fail(const std::string& request_id, const InvocationError& error) = 0;
  virtual Status init_error(const InvocationError& error) = 0;
};

// The handler's result body is posted as the response; an Error is posted as
// an invocation error.
using Handler = std::function<Result<std::string>(const Invocation&)>;

struct RetryPolicy {
  int max_attempts = 5;                           // including the first
  std::chrono::milliseconds initial_backoff{50};  // doubled after each failure
  std::chrono::milliseconds max_backoff{1000};
};

struct RunOptions {
  uint64_t max_invocations = 0;  // 0 = serve forever; tests bound the loop
  RetryPolicy retry;
  // Injected so tests do not sleep; empty = std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
  // One line per event worth a log entry, with its level (retries are WARN,
  // failed invocations ERROR, exits FATAL); empty = the bare line on stderr
  // (CloudWatch). Messages never carry event data beyond error messages.
  std::function<void(LogLevel, std::string_view)> log;
};

// Serves invocations until max_invocations have been answered (returns 0) or
// the Runtime API cannot be reached or rejects next() (returns 1).
int run(const Handler& handler, RuntimeTransport& transport, const RunOptions& options);

// Posts a start-up failure to /runtime/init/error (transient failures retried
// as in run()) and returns the process exit code to use: always non-zero.
int report_init_error(RuntimeTransport& transport, const InvocationError& error,
                      const RunOptions& options);

}  // namespace k2c
