#include "app/insert_settings.h"

namespace k2c {
namespace {

constexpr const char* kJsonAsString = "input_format_binary_read_json_as_string";
constexpr const char* kAsyncInsert = "async_insert";
constexpr const char* kWaitForAsyncInsert = "wait_for_async_insert";
constexpr const char* kAsyncInsertDeduplicate = "async_insert_deduplicate";

}  // namespace

std::vector<std::string> settings_to_look_up(const Config& config) {
  std::vector<std::string> names = {kJsonAsString, kAsyncInsert, kWaitForAsyncInsert,
                                    kAsyncInsertDeduplicate};
  for (const auto& [name, value] : config.clickhouse_settings) names.push_back(name);
  return names;
}

Status check_configured_settings(const Config& config, const std::set<std::string>& server_has) {
  for (const auto& [name, value] : config.clickhouse_settings)
    if (!server_has.contains(name))
      return make_error(ErrorKind::config,
                        "CLICKHOUSE_SETTINGS names " + name +
                            ", which this ClickHouse server does not have (not in system.settings)",
                        ErrorCode::unknown_setting);
  return ok_status();
}

Status add_insert_settings(const Config& config, const std::set<std::string>& server_has,
                           const TablePlan* plan, std::string_view table, Settings& out) {
  if (const PlannedColumn* json = plan ? plan->needs_json_as_string() : nullptr) {
    if (!server_has.contains(kJsonAsString))
      return make_error(ErrorKind::permanent,
                        "table " + std::string(table) + ": column " + json->quoted_name + " (" +
                            json->encoder->type_text() +
                            ") cannot be written: this ClickHouse server has no setting " +
                            kJsonAsString + " to read JSON values as text",
                        ErrorCode::unsupported_type);
    out.emplace_back(kJsonAsString, "1");
  }
  if (config.async_insert) {
    if (!server_has.contains(kAsyncInsert) || !server_has.contains(kWaitForAsyncInsert))
      return make_error(ErrorKind::permanent,
                        "CLICKHOUSE_ASYNC_INSERT=1, but this ClickHouse server has no "
                        "async_insert/wait_for_async_insert settings",
                        ErrorCode::unsupported_setting);
    out.emplace_back(kAsyncInsert, "1");
    out.emplace_back(kWaitForAsyncInsert, "1");
    if (server_has.contains(kAsyncInsertDeduplicate))
      out.emplace_back(kAsyncInsertDeduplicate, "1");
  }
  if (auto st = check_configured_settings(config, server_has); !st.ok()) {
    Error e = std::move(st).error();
    e.kind = ErrorKind::permanent;  // found at an insert, not at init: report the batch
    return e;
  }
  for (const auto& setting : config.clickhouse_settings) out.push_back(setting);
  return ok_status();
}

}  // namespace k2c
