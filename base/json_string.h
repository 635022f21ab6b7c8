// JSON string literals for the lines and bodies written by hand (log lines,
// the metrics line, Runtime API error bodies).
//
// append_json_string appends `s` quoted and escaped per RFC 8259: quotes,
// backslashes and control characters escaped, well-formed UTF-8 copied as it
// is, and every byte that is not part of well-formed UTF-8 replaced by U+FFFD,
// so the result is valid JSON whatever the input quotes. It only appends to
// `out`: a reused buffer allocates nothing once it is large enough.
#pragma once

#include <string>
#include <string_view>

namespace k2c {

void append_json_string(std::string& out, std::string_view s);

}  // namespace k2c
