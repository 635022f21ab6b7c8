// The settings an INSERT carries beyond its query: decided once per insert
// from the configuration, the table's plan and what the server's
// system.settings lists (features are looked up by setting, not by version).
//
//  - input_format_binary_read_json_as_string=1 when the table has a JSON(...)
//    column; a server without the setting cannot take the JSON text we send,
//    so such a table is refused (ErrorKind::permanent, naming the column);
//  - CLICKHOUSE_ASYNC_INSERT=1: async_insert=1, wait_for_async_insert=1 (an
//    unacknowledged async insert can be lost) and async_insert_deduplicate=1
//    where the server has it; a server without async inserts is refused;
//  - CLICKHOUSE_SETTINGS, as configured; a name the server does not list is
//    an ErrorKind::config error naming the variable.
// The deduplication token is added by Function, per insert.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config.h"
#include "base/error.h"
#include "rowbinary/table_plan.h"

namespace k2c {

using Settings = std::vector<std::pair<std::string, std::string>>;

// The names to look up in system.settings for this configuration.
std::vector<std::string> settings_to_look_up(const Config& config);

// ok, or a config error naming CLICKHOUSE_SETTINGS and the first name the
// server does not have.
Status check_configured_settings(const Config& config, const std::set<std::string>& server_has);

// Appends the settings of one INSERT to `out`; `plan` is null for the
// dead-letter table (no JSON columns). `table` names the table in messages.
Status add_insert_settings(const Config& config, const std::set<std::string>& server_has,
                           const TablePlan* plan, std::string_view table, Settings& out);

}  // namespace k2c
