#include "app/function.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "app/insert_settings.h"
#include "base/identifier.h"
#include "http/http.h"

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

// The records that have a row or a dead letter in `b` (each counted once;
// rows and dead letters are in record order).
uint32_t records_of(const EncodedBatch& b) {
  std::vector<uint32_t> seen(b.rows.begin(), b.rows.end());
  for (const auto& d : b.dead_letters) seen.push_back(d.record);
  std::sort(seen.begin(), seen.end());
  return static_cast<uint32_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
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
      log_(env.log, env.clock, config_.log_format, config_.log_level),
      report_(config_),
      clickhouse_(config_, env.clickhouse, env.clock),
      routes_(config_, env.dynamodb, env.clock),
      route_cache_(config_.route_cache_ttl_seconds, [clock = &env.clock] {
        return std::chrono::steady_clock::time_point(std::chrono::microseconds(clock->monotonic_us()));
      }),
      settings_names_(settings_to_look_up(config_)) {
  // Lambda's log-level filter reads "level" from JSON lines; the metrics line
  // is INFO, so a higher application log level makes Lambda drop the metrics.
  if (config_.metrics && config_.log_format == LogFormat::json &&
      config_.log_level > LogLevel::info)
    // At WARN, or at the configured level when that is higher, so it passes
    // the very filter it warns about.
    log_.log(std::max(LogLevel::warn, config_.log_level), "",
             "AWS_LAMBDA_LOG_LEVEL is above INFO with the JSON log format: Lambda drops INFO "
             "lines, the metrics lines among them, so the CloudWatch metrics and their alarms get "
             "no data; set the application log level to INFO, or METRICS=off",
             {{"log_level", level_name(config_.log_level)}});
}

Status Function::check_settings(const Deadline& deadline) {
  if (config_.clickhouse_settings.empty()) return ok_status();
  auto server_has = clickhouse_.settings_known(settings_names_, deadline);
  if (!server_has.ok()) {
    env_.log.write(fmt::format("{{\"level\":\"warning\",\"message\":{}}}", [&] {
      std::string s;
      append_json_string(s, "CLICKHOUSE_SETTINGS not checked at init: " +
                                server_has.error().message);
      return s;
    }()));
    return ok_status();
  }
  return check_configured_settings(config_, **server_has);
}

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
                             InvocationStats& stats, uint32_t& first_unwritten) {
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
  auto server_has = clickhouse_.settings_known(settings_names_, deadline);
  if (!server_has.ok()) return std::move(server_has).error();

  EncodeOptions options;
  options.text = r.format == PayloadFormat::text;
  tables_.assign(1, r.table);
  if (!r.table_field.empty()) {
    options.table_field = r.table_field;
    options.default_table = r.table;
    tables_ = encoder_.tables_of(records, which, options);
  }
  // Every table is tried; the answer names the earliest record of a table
  // that was not written (SPEC §3), so rows of later tables may be sent
  // again, under the same deduplication token.
  first_unwritten = UINT32_MAX;
  Status result = ok_status();
  for (const std::string& table : tables_) {
    options.table = table;
    uint32_t earliest = which.front();
    TableStats& t = stats.add_table(arn, static_cast<uint32_t>(which.size()));
    t.table.assign(database).append(".").append(table);
    // What was handed to ClickHouse counts as sent, even when it failed.
    const uint64_t sent_before = clickhouse_.insert_bytes_sent();
    Status st = write_table(records, which, database, table, options, *version, **server_has,
                            deadline, t, earliest);
    t.bytes_sent = clickhouse_.insert_bytes_sent() - sent_before;
    if (!st.ok()) {
      t.retry = true;
      first_unwritten = std::min(first_unwritten, earliest);
      if (result.ok()) result = std::move(st);
    }
  }
  return result;
}

Status Function::write_table(std::span<const KinesisRecord> records,
                             std::span<const uint32_t> which, const std::string& database,
                             const std::string& table, const EncodeOptions& options,
                             const ServerVersion& version,
                             const std::set<std::string>& server_has, const Deadline& deadline,
                             TableStats& stats, uint32_t& earliest) {
  auto plan = plan_for(database, table, deadline);
  if (!plan.ok()) return std::move(plan).error();
  // Decided before anything is written: a table the server cannot be fed
  // (a JSON column without input_format_binary_read_json_as_string) writes
  // neither rows nor dead letters.
  Settings row_settings;
  if (auto st = add_insert_settings(config_, server_has, *plan, database + "." + table,
                                    row_settings);
      !st.ok())
    return st;
  encoder_.encode(records, which, **plan, version.has_row_binary_with_defaults(), encoded_, options);
  if (encoded_.internal_error) return *encoded_.internal_error;
  // The earliest record with a row or a dead letter here: where a retry
  // starts. With table_field, the records this table holds are counted.
  earliest = UINT32_MAX;
  for (uint32_t i : encoded_.rows) earliest = std::min(earliest, i);
  for (const auto& d : encoded_.dead_letters) earliest = std::min(earliest, d.record);
  if (earliest == UINT32_MAX) earliest = which.front();
  if (!options.table_field.empty()) stats.records = records_of(encoded_);
  stats.control_messages = static_cast<uint32_t>(encoded_.control_messages);

  Settings settings;
  if (!encoded_.dead_letters.empty()) {
    if (auto st = ensure_dead_letter_table(deadline); !st.ok()) return st;
    // A retried batch may have written its dead letters already (the target
    // insert failed after them): write each dead letter once.
    if (auto st = drop_written_dead_letters(records, deadline); !st.ok()) return st;
  }
  if (!encoded_.dead_letters.empty()) {
    dead_letter_body_.clear();
    const auto failed_at = static_cast<uint32_t>(env_.clock.epoch_ms() / 1000);
    encode_dead_letters(records, encoded_.dead_letters, stats.table, failed_at,
                        dead_letter_has_sub_sequence_, dead_letter_body_);
    if (auto st = add_insert_settings(config_, server_has, nullptr, config_.dead_letter_table,
                                      settings);
        !st.ok())
      return st;
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
    // Counted when written: a retried batch does not write again a dead letter
    // that is already there (drop_written_dead_letters), so none counts twice.
    stats.dead_letters = static_cast<uint32_t>(encoded_.dead_letters.size());
    for (const DeadLetter& d : encoded_.dead_letters)
      report_.stats().count_dead_letter(to_string(d.code));
  }
  if (!encoded_.rows.empty()) {
    // Written dead letters are not the retry's concern: rows are.
    earliest = *std::min_element(encoded_.rows.begin(), encoded_.rows.end());
    columns_sql_.clear();
    for (uint32_t c : encoded_.included) {
      if (!columns_sql_.empty()) columns_sql_ += ", ";
      columns_sql_ += (*plan)->columns()[c].quoted_name;
    }
    settings = row_settings;
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
  stats.rows = static_cast<uint32_t>(encoded_.rows.size());
  return ok_status();
}

Result<std::string> Function::handle(const Invocation& invocation) {
  const int64_t started_us = env_.clock.monotonic_us();
  const double cpu_started = env_.clock.process_cpu_ms();
  InvocationStats& stats = report_.stats();
  stats.reset(invocation.request_id, env_.clock.epoch_ms(), invocation.body.size());
  // The runtime's HTTP client leaves kResponsePadding spare bytes after the
  // body, so the decoder parses it in place instead of copying it.
  static_assert(kResponsePadding >= simdjson::SIMDJSON_PADDING);
  auto decoded = envelope_.decode(invocation.body, invocation.body.capacity());
  if (!decoded.ok()) return std::move(decoded).error();
  const std::span<const KinesisRecord> records = *decoded;
  stats.records = static_cast<uint32_t>(records.size());
  stats.measure_iterator_age(records);

  // Group record indexes by stream, in order of first appearance.
  // (groups_ keeps its vectors' capacity across invocations.)
  size_t used = 0;
  for (uint32_t i = 0; i < records.size(); ++i) {
    auto end = groups_.begin() + static_cast<std::ptrdiff_t>(used);
    auto it = std::find_if(groups_.begin(), end,
                           [&](const auto& g) { return g.first == records[i].event_source_arn; });
    if (it == end) {
      if (used == groups_.size()) groups_.emplace_back();
      it = groups_.begin() + static_cast<std::ptrdiff_t>(used++);
      it->first = records[i].event_source_arn;
      it->second.clear();
    }
    it->second.push_back(i);
  }
  const std::span<const std::pair<std::string_view, std::vector<uint32_t>>> groups(groups_.data(),
                                                                                    used);

  const Deadline deadline{invocation.deadline_ms, &env_.clock};
  uint32_t first_unwritten = UINT32_MAX;
  for (const auto& [arn, which] : groups) {
    const size_t tables_before = stats.tables().size();
    Status st = ok_status();
    uint32_t retry_from = which.front();
    if (deadline.expired()) {
      st = make_error(ErrorKind::transient, "the invocation deadline is near", ErrorCode::deadline);
    } else {
      st = write_group(records, which, deadline, stats, retry_from);
    }
    if (!st.ok()) {
      // A failure before any table was known (route, server version) still
      // counts the stream's records as reported for retry.
      if (stats.tables().size() == tables_before)
        stats.add_table(arn, static_cast<uint32_t>(which.size())).retry = true;
      first_unwritten = std::min(first_unwritten, retry_from);
      log_.log(LogLevel::error, invocation.request_id, st.error().message,
               {{"stream", arn},
                {"kind", to_string(st.error().kind)},
                {"retry_from", records[retry_from].sequence_number}});
    }
  }
  stats.retry_reported = first_unwritten != UINT32_MAX;
  stats.duration_ms = static_cast<double>(env_.clock.monotonic_us() - started_us) / 1000.0;
  stats.cpu_ms = env_.clock.process_cpu_ms() - cpu_started;
  report_.emit(env_.clock.epoch_ms(), log_, env_.metrics);
  if (first_unwritten == UINT32_MAX) return std::string("{\"batchItemFailures\":[]}");
  std::string out = "{\"batchItemFailures\":[{\"itemIdentifier\":";
  append_json_string(out, records[first_unwritten].sequence_number);
  out += "}]}";
  return out;
}

}  // namespace k2c
