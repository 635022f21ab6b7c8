#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <thread>

#include "runtime/runtime_api.h"

namespace k2c {
namespace {

constexpr const char* kTraceEnv = "_X_AMZN_TRACE_ID";

void log_line(const RunOptions& options, LogLevel level, std::string_view line) {
  if (options.log) {
    options.log(level, line);
  } else {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
}

void sleep_for(const RunOptions& options, std::chrono::milliseconds d) {
  if (options.sleep) {
    options.sleep(d);
  } else {
    std::this_thread::sleep_for(d);
  }
}

// Calls `call` until it succeeds, fails other than transiently, or the
// policy's attempts are used up; returns the last result.
template <typename Call>
auto with_retries(const RunOptions& options, std::string_view what, Call&& call)
    -> decltype(call()) {
  const int attempts = std::max(1, options.retry.max_attempts);
  auto backoff = options.retry.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    auto result = call();
    if (result.ok() || result.error().kind != ErrorKind::transient || attempt >= attempts)
      return result;
    log_line(options, LogLevel::warn,
             fmt::format("runtime: {} failed (attempt {}/{}), retrying in {} ms: {}", what, attempt,
                         attempts, backoff.count(), result.error().message));
    sleep_for(options, backoff);
    backoff = std::min(backoff * 2, options.retry.max_backoff);
  }
}

void export_trace_id(const std::string& trace_id) {
  // Only setenv here: libraries that trace (X-Ray) read the variable, nothing
  // of ours does.
  if (trace_id.empty()) {
    ::unsetenv(kTraceEnv);
  } else {
    ::setenv(kTraceEnv, trace_id.c_str(), 1);
  }
}

// Runs the handler, turning every way it can fail into an InvocationError:
// one bad invocation must never take the process down.
bool call_handler(const Handler& handler, const Invocation& invocation, std::string& body,
                  InvocationError& error) {
  try {
    Result<std::string> result = handler(invocation);
    if (result.ok()) {
      body = std::move(result).value();
      return true;
    }
    error = invocation_error_from(result.error());
  } catch (const std::exception& e) {
    error = InvocationError{"Handler.Exception", e.what()};
  } catch (...) {
    error =
        InvocationError{"Handler.UnknownException", "the handler threw a non-standard exception"};
  }
  return false;
}

// Posts an invocation error. Only an exhausted transient failure is returned
// as an error (the caller exits); a rejection is logged and the loop goes on.
Status post_failure(RuntimeTransport& transport, const RunOptions& options,
                    const std::string& request_id, const InvocationError& error) {
  Status posted = with_retries(options, "posting the invocation error",
                               [&] { return transport.fail(request_id, error); });
  if (posted.ok() || posted.error().kind == ErrorKind::transient) return posted;
  log_line(options, LogLevel::error,
           fmt::format("runtime: invocation error for {} rejected: {}", request_id,
                       posted.error().message));
  return ok_status();
}

Status post_response(RuntimeTransport& transport, const RunOptions& options,
                     const std::string& request_id, std::string_view body) {
  Status posted = with_retries(options, "posting the response",
                               [&] { return transport.respond(request_id, body); });
  if (posted.ok() || posted.error().kind == ErrorKind::transient) return posted;
  // Rejected (413 too large, ...): the invocation still needs an answer, or
  // Lambda would wait for it until the timeout.
  log_line(
      options, LogLevel::error,
      fmt::format("runtime: response for {} rejected: {}", request_id, posted.error().message));
  return post_failure(transport, options, request_id,
                      InvocationError{"Runtime.ResponseRejected", posted.error().message});
}

}  // namespace

const char* error_type_for(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid_event:
      return "Runtime.InvalidEvent";
    case ErrorKind::transient:
      return "Handler.Transient";
    case ErrorKind::permanent:
      return "Handler.Permanent";
    case ErrorKind::bad_record:
      return "Handler.BadRecord";
    case ErrorKind::config:
      return "Handler.Config";
  }
  return "Handler.Unknown";
}

InvocationError invocation_error_from(const Error& error) {
  return InvocationError{error_type_for(error.kind), error.message};
}

std::string render_error_body(const InvocationError& error) {
  std::string out = "{\"errorMessage\":";
  append_json_string(out, error.error_message);
  out += ",\"errorType\":";
  append_json_string(out, error.error_type);
  out += ",\"stackTrace\":[]}";
  return out;
}

int run(const Handler& handler, RuntimeTransport& transport, const RunOptions& options) {
  for (uint64_t served = 0; options.max_invocations == 0 || served < options.max_invocations;
       ++served) {
    Result<Invocation> next =
        with_retries(options, "fetching the next invocation", [&] { return transport.next(); });
    if (!next.ok()) {
      log_line(options, LogLevel::fatal,
               fmt::format("runtime: cannot fetch the next invocation, exiting: {}",
                           next.error().message));
      return 1;
    }
    const Invocation& invocation = *next;
    export_trace_id(invocation.trace_id);

    std::string body;
    InvocationError error;
    Status posted = ok_status();
    if (call_handler(handler, invocation, body, error)) {
      posted = post_response(transport, options, invocation.request_id, body);
    } else {
      log_line(options, LogLevel::error,
               fmt::format("runtime: invocation {} failed: {}: {}", invocation.request_id,
                           error.error_type, error.error_message));
      posted = post_failure(transport, options, invocation.request_id, error);
    }
    if (!posted.ok()) {
      log_line(options, LogLevel::fatal,
               fmt::format("runtime: cannot answer invocation {}, exiting: {}",
                           invocation.request_id, posted.error().message));
      return 1;
    }
  }
  return 0;
}

int report_init_error(RuntimeTransport& transport, const InvocationError& error,
                      const RunOptions& options) {
  log_line(options, LogLevel::fatal,
           fmt::format("runtime: init failed: {}: {}", error.error_type, error.error_message));
  Status posted =
      with_retries(options, "posting the init error", [&] { return transport.init_error(error); });
  if (!posted.ok()) {
    log_line(options, LogLevel::fatal,
             fmt::format("runtime: cannot post the init error: {}", posted.error().message));
  }
  return 1;
}

}  // namespace k2c
