// What a ClickHouse error means for a batch: transient (retry) or permanent
// (retrying the same request cannot help), decided by the server's error code.
//
// The code comes from the X-ClickHouse-Exception-Code header (every server
// since 19.x sends it), else from the "Code: N" text that opens the body
// (18.16 sends only that). Codes in kClickHouseCodes have the kind given
// there; docs/operations.md has the same table (a unit test compares them).
// Any other code, and an answer without one, is transient unless the HTTP
// status is 401 or 403: an unknown failure is retried, never dropped.
#pragma once

#include <span>
#include <string_view>

#include "base/error.h"

namespace k2c {

struct ClickHouseCode {
  int code;
  const char* name;  // as the server prints it, e.g. "TOO_MANY_PARTS"
  ErrorKind kind;    // transient or permanent
};

std::span<const ClickHouseCode> clickhouse_codes() noexcept;

// The error code of an answer, or -1 when it carries none.
int clickhouse_error_code(std::string_view code_header, std::string_view body) noexcept;

// The Error for a non-200 answer; its message holds the status and the start
// of the server's text.
Error classify_clickhouse_error(long status, std::string_view body,
                                std::string_view code_header = {});

}  // namespace k2c
