// ClickHouse identifiers that we accept from configuration and from the
// routes table. Names are never SQL text: they must match
// [A-Za-z_][A-Za-z0-9_]* (at most 255 bytes) and are always backtick-quoted.
// Setting names (CLICKHOUSE_SETTINGS) are [a-z0-9_]+, at most 255 bytes, and
// go into URLs and system.settings look-ups as they are.
#pragma once

#include <string>
#include <string_view>

namespace k2c {

bool is_identifier(std::string_view name) noexcept;
bool is_setting_name(std::string_view name) noexcept;

// `name` with backticks; `name` must satisfy is_identifier.
std::string quote_identifier(std::string_view name);
// The same, appended to `out`.
void append_quoted_identifier(std::string& out, std::string_view name);

}  // namespace k2c
