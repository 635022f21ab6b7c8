#include "app/function.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "http/http.h"
#include "base/identifier.h"

namespace k2c {
namespace {

// A ClickHouse string literal: quotes and backslashes escaped.
std::string sql_string(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string hex64(uint64_t v) { return fmt::format("{:016x}", v); }

// FNV-1a: a stable, dependency-free hash for the deduplication token.
uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Stream, shard, first and last sequence number and the record count of the
// group, hashed with what is inserted (a table, or the dead letters); for
// KPL aggregates also the first and last sub-sequence number of the rows
// (SPEC §5). The same records always give the same token.
std::string dedup_token(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                        std::string_view what, std::span<const uint64_t> sub_sequences) {
  const KinesisRecord& first = records[which.front()];
  const KinesisRecord& last = records[which.back()];
  uint64_t h = fnv1a(first.event_source_arn);
  h = fnv1a(first.shard_id, h);
  h = fnv1a(what, h);
  std::string token = fmt::format("k2c-{}-{}-{}-{}", hex64(h), first.sequence_number,
                                  last.sequence_number, which.size());
  const bool aggregated =
      std::any_of(sub_sequences.begin(), sub_sequences.end(), [](uint64_t s) { return s != 0; });
  if (aggregated)
    token += fmt::format("-s{}-{}-{}", sub_sequences.front(), sub_sequences.back(),
                         sub_sequences.size());
  return token;
}

std::vector<uint64_t> sub_sequences_of(std::span<const DeadLetter> dead_letters) {
  std::vector<uint64_t> out;
  for (const auto& d : dead_letters) out.push_back(d.sub_sequence);
  return out;
}

}  // namespace

std::string dead_letter_ddl(std::string_view database, std::string_view table) {
  return "CREATE TABLE IF NOT EXISTS " + quote_identifier(database) + "." +
         quote_identifier(table) +
         " (`failed_at` DateTime, `stream_arn` String, `shard_id` String, "
         "`sequence_number` String, `partition_key` String, `target_table` String, "
         "`error_kind` String, `error_message` String, `raw_data` String, "
         "`sub_sequence_number` UInt64) "
         "ENGINE = MergeTree PARTITION BY toYYYYMM(failed_at) "
         "ORDER BY (stream_arn, shard_id, sequence_number)";
}

Function::Function(Config config, FunctionEnv env)
    : config_(std::move(config)),
      env_(env),
      clickhouse_(config_, env.clickhouse, env.clock),
      routes_(config_, env.dynamodb, env.clock),
      route_cache_(config_.route_cache_ttl_seconds, [clock = &env.clock] {
        return std::chrono::steady_clock::time_point(std::chrono::microseconds(clock->monotonic_us()));
      }) {}

Result<const TablePlan*> Function::plan_for(const std::string& database, const std::string& table,
                                            const Deadline& deadline) {
  const std::string key = database + "." + table;
  const int64_t now_us = env_.clock.monotonic_us();
  auto it = plans_.find(key);
  if (it != plans_.end() &&
      now_us - it->second.fetched_us < int64_t{config_.route_cache_ttl_seconds} * 1000000)
    return it->second.plan.get();
  auto columns = clickhouse_.describe(database, table, deadline);
  if (!columns.ok()) return std::move(columns).error();
  auto plan = TablePlan::build(*columns);
  if (!plan.ok()) {
    Error e = std::move(plan).error();
    e.message = "table " + key + ": " + e.message;
    return e;
  }
  auto& slot = plans_[key];
  slot.plan = std::make_unique<TablePlan>(std::move(plan).value());
  slot.fetched_us = now_us;
  return slot.plan.get();
}

Status Function::ensure_dead_letter_table(const Deadline& deadline) {
  if (dead_letter_table_ready_) return ok_status();
  auto r = clickhouse_.query(dead_letter_ddl(config_.clickhouse_database, config_.dead_letter_table),
                             deadline);
  if (!r.ok()) return std::move(r).error();
  // A table made by an earlier version has no sub_sequence_number: then the
  // column is not sent (SPEC §5).
  auto columns = clickhouse_.describe(config_.clickhouse_database, config_.dead_letter_table, deadline);
  if (!columns.ok()) return std::move(columns).error();
  dead_letter_has_sub_sequence_ =
      std::any_of(columns->begin(), columns->end(),
                  [](const ColumnInfo& c) { return c.name == "sub_sequence_number"; });
  dead_letter_table_ready_ = true;
  return ok_status();
}

Status Function::drop_written_dead_letters(std::span<const KinesisRecord> records,
                                           const Deadline& deadline) {
  const KinesisRecord& first = records[encoded_.dead_letters.front().record];
  std::string sql = "SELECT sequence_number FROM " + quote_identifier(config_.clickhouse_database) +
                    "." + quote_identifier(config_.dead_letter_table) +
                    " WHERE stream_arn = " + sql_string(first.event_source_arn) +
                    " AND shard_id = " + sql_string(first.shard_id) + " AND sequence_number IN (";
  for (size_t i = 0; i < encoded_.dead_letters.size(); ++i) {
    if (i > 0) sql += ",";
    sql += sql_string(records[encoded_.dead_letters[i].record].sequence_number);
  }
  sql += ") FORMAT TabSeparated";
  auto found = clickhouse_.query(sql, deadline);
  if (!found.ok()) return std::move(found).error();
  if (found->empty()) return ok_status();
  std::erase_if(encoded_.dead_letters, [&](const DeadLetter& d) {
    const std::string_view seq = records[d.record].sequence_number;
    std::string_view rest = *found;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      if (rest.substr(0, nl) == seq) return true;
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    return false;
  });
  return ok_status();
}

Status Function::write_group(std::span<const KinesisRecord> records,
                             std::span<const uint32_t> which, const Deadline& deadline,
                             std::string& summary, uint32_t& first_unwritten) {
  first_unwritten = which.front();
  const std::string_view arn = records[which.front()].event_source_arn;
  auto route = route_cache_.get_or_fetch(arn, [&] { return routes_.get_route(arn, deadline); });
  if (!route.ok()) return std::move(route).error();
  if (!route->has_value())
    return make_error(ErrorKind::transient,
                      fmt::format("no route for stream {} in DynamoDB table {}", arn,
                                  config_.routes_table),
                      ErrorCode::missing_route);
  const Route& r = **route;
  const std::string database = r.database.empty() ? config_.clickhouse_database : r.database;
  auto version = clickhouse_.version(deadline);
  if (!version.ok()) return std::move(version).error();

  EncodeOptions options;
  options.text = r.format == PayloadFormat::text;
  std::vector<std::string> tables{r.table};
  if (!r.table_field.empty()) {
    options.table_field = r.table_field;
    options.default_table = r.table;
    tables = encoder_.tables_of(records, which, options);
  }
  // Every table is tried; the answer names the earliest record of a table
  // that was not written (SPEC §3), so rows of later tables may be sent
  // again, under the same deduplication token.
  first_unwritten = UINT32_MAX;
  Status result = ok_status();
  for (const std::string& table : tables) {
    options.table = table;
    uint32_t earliest = which.front();
    Status st = write_table(records, which, database, table, options, *version, deadline, summary,
                            earliest);
    if (!st.ok()) {
      first_unwritten = std::min(first_unwritten, earliest);
      if (result.ok()) result = std::move(st);
    }
  }
  return result;
}

Status Function::write_table(std::span<const KinesisRecord> records,
                             std::span<const uint32_t> which, const std::string& database,
                             const std::string& table, const EncodeOptions& options,
                             const ServerVersion& version, const Deadline& deadline,
                             std::string& summary, uint32_t& earliest) {
  auto plan = plan_for(database, table, deadline);
  if (!plan.ok()) return std::move(plan).error();
  encoder_.encode(records, which, **plan, version.has_row_binary_with_defaults(), encoded_, options);
  if (encoded_.internal_error) return *encoded_.internal_error;
  // The earliest record with a row or a dead letter here: where a retry starts.
  earliest = UINT32_MAX;
  for (uint32_t i : encoded_.rows) earliest = std::min(earliest, i);
  for (const auto& d : encoded_.dead_letters) earliest = std::min(earliest, d.record);
  if (earliest == UINT32_MAX) earliest = which.front();

  std::vector<std::pair<std::string, std::string>> settings;
  if (!encoded_.dead_letters.empty()) {
    if (auto st = ensure_dead_letter_table(deadline); !st.ok()) return st;
    // A retried batch may have written its dead letters already (the target
    // insert failed after them): write each dead letter once.
    if (auto st = drop_written_dead_letters(records, deadline); !st.ok()) return st;
  }
  const size_t dead_letters = encoded_.dead_letters.size();
  if (!encoded_.dead_letters.empty()) {
    dead_letter_body_.clear();
    const auto failed_at = static_cast<uint32_t>(env_.clock.epoch_ms() / 1000);
    encode_dead_letters(records, encoded_.dead_letters, database + "." + table, failed_at,
                        dead_letter_has_sub_sequence_, dead_letter_body_);
    if (version.has_insert_deduplication_token())
      settings.emplace_back("insert_deduplication_token",
                            dedup_token(records, which, "dead." + table,
                                        sub_sequences_of(encoded_.dead_letters)));
    std::string columns = kDeadLetterColumns;
    if (dead_letter_has_sub_sequence_) columns += kDeadLetterSubSequenceColumn;
    if (auto st = clickhouse_.insert(config_.clickhouse_database, config_.dead_letter_table,
                                     columns, "RowBinary", dead_letter_body_, settings, deadline);
        !st.ok())
      return st;
  }
  if (!encoded_.rows.empty()) {
    // Written dead letters are not the retry's concern: rows are.
    earliest = *std::min_element(encoded_.rows.begin(), encoded_.rows.end());
    columns_sql_.clear();
    for (uint32_t c : encoded_.included) {
      if (!columns_sql_.empty()) columns_sql_ += ", ";
      columns_sql_ += (*plan)->columns()[c].quoted_name;
    }
    settings.clear();
    if (version.has_insert_deduplication_token())
      settings.emplace_back("insert_deduplication_token",
                            dedup_token(records, which, table, encoded_.sub_sequences));
    if (auto st = clickhouse_.insert(database, table, columns_sql_, encoded_.format(),
                                     encoded_.body, settings, deadline);
        !st.ok()) {
      plans_.erase(database + "." + table);  // the table may have changed: describe again
      return st;
    }
  }
  if (!summary.empty()) summary += ",";
  summary += fmt::format(
      "{{\"stream\":\"{}\",\"table\":\"{}.{}\",\"rows\":{},\"dead_letters\":{}",
      records[which.front()].event_source_arn, database, table, encoded_.rows.size(), dead_letters);
  if (encoded_.control_messages > 0)
    summary += fmt::format(",\"control_messages\":{}", encoded_.control_messages);
  summary += "}";
  return ok_status();
}

Result<std::string> Function::handle(const Invocation& invocation) {
  const int64_t started_us = env_.clock.monotonic_us();
  const double cpu_started = env_.clock.process_cpu_ms();
  // The runtime's HTTP client leaves kResponsePadding spare bytes after the
  // body, so the decoder parses it in place instead of copying it.
  static_assert(kResponsePadding >= simdjson::SIMDJSON_PADDING);
  auto decoded = envelope_.decode(invocation.body, invocation.body.capacity());
  if (!decoded.ok()) return std::move(decoded).error();
  const std::span<const KinesisRecord> records = *decoded;
  if (records.empty()) return std::string("{\"batchItemFailures\":[]}");

  // Group record indexes by stream, in order of first appearance.
  std::vector<std::pair<std::string_view, std::vector<uint32_t>>> groups;
  for (uint32_t i = 0; i < records.size(); ++i) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == records[i].event_source_arn; });
    if (it == groups.end()) {
      groups.emplace_back(records[i].event_source_arn, std::vector<uint32_t>{});
      it = groups.end() - 1;
    }
    it->second.push_back(i);
  }

  const Deadline deadline{invocation.deadline_ms, &env_.clock};
  uint32_t first_unwritten = UINT32_MAX;
  std::string summary;
  for (const auto& [arn, which] : groups) {
    Status st = ok_status();
    uint32_t retry_from = which.front();
    if (deadline.expired()) {
      st = make_error(ErrorKind::transient, "the invocation deadline is near", ErrorCode::deadline);
    } else {
      st = write_group(records, which, deadline, summary, retry_from);
    }
    if (!st.ok()) {
      first_unwritten = std::min(first_unwritten, retry_from);
      env_.log.write(fmt::format("{{\"level\":\"error\",\"request_id\":\"{}\",\"stream\":\"{}\",\"kind\":\"{}\","
                 "\"retry_from\":\"{}\",\"message\":{}}}",
                 invocation.request_id, arn, to_string(st.error().kind),
                 records[retry_from].sequence_number,
                 [&] { std::string s; append_json_string(s, st.error().message); return s; }()));
    }
  }
  const double ms = static_cast<double>(env_.clock.monotonic_us() - started_us) / 1000.0;
  env_.log.write(fmt::format(
      "{{\"level\":\"info\",\"request_id\":\"{}\",\"records\":{},\"ms\":{:.1f},"
      "\"cpu_ms\":{:.1f},\"written\":[{}]}}",
      invocation.request_id, records.size(), ms, env_.clock.process_cpu_ms() - cpu_started,
      summary));
  if (first_unwritten == UINT32_MAX) return std::string("{\"batchItemFailures\":[]}");
  std::string out = "{\"batchItemFailures\":[{\"itemIdentifier\":";
  append_json_string(out, records[first_unwritten].sequence_number);
  out += "}]}";
  return out;
}

}  // namespace k2c
