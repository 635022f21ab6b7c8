// The Kinesis batch handler: decode, route, encode, insert, report.
//
// Function::handle() is called once per invocation with the raw event. For
// each stream of the batch (Lambda sends one shard, so one stream) it looks
// up the route (DynamoDB, cached), the target table's columns (ClickHouse
// DESCRIBE, cached), encodes every record with the pure BatchEncoder, then
// writes the dead letters and the rows, one INSERT each.
//
// Outcomes (SPEC §5): every record ends as a target row, a dead-letter row,
// or is reported for retry. The dead-letter insert goes first: if it fails
// nothing of the stream's records was written and all are retried; if the
// target insert then fails, all are retried again (the dead-letter rows may
// then repeat; target rows never do). The answer is ReportBatchItemFailures
// JSON naming the first unwritten record; an event that is not a Kinesis
// event is an invocation error.
//
// What it did is reported once per invocation (app/metrics.h): an Embedded
// Metric Format line on the metrics sink, or with METRICS=off an INFO line on
// the log. Its own log lines follow AWS_LAMBDA_LOG_FORMAT and
// AWS_LAMBDA_LOG_LEVEL (base/log.h).
//
// Its doors to the outside are parameters (FunctionEnv): the clock, one HTTP
// transport for ClickHouse and one for DynamoDB, the log sink (stderr) and
// the metrics sink (stdout), so its orchestration is unit-tested with fakes
// (tests/app/function_test.cc).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "app/clickhouse_client.h"
#include "app/config.h"
#include "app/dynamo_client.h"
#include "app/metrics.h"
#include "app/route_cache.h"
#include "base/env.h"
#include "base/log.h"
#include "http/http.h"
#include "kinesis/batch.h"
#include "kinesis/kinesis.h"
#include "runtime/runtime_api.h"

namespace k2c {

// Everything Function uses that is not its own state; all must outlive it.
struct FunctionEnv {
  Clock& clock;
  HttpTransport& clickhouse;
  HttpTransport& dynamodb;
  LogSink& log;      // the function's log lines (main: stderr)
  LogSink& metrics;  // the EMF lines (main: stdout)
};

class Function {
 public:
  Function(Config config, FunctionEnv env);

  Result<std::string> handle(const Invocation& invocation);

  // At init, when CLICKHOUSE_SETTINGS is set: asks the server which of its
  // names it has. A config error naming the variable when one is unknown;
  // ok when the server cannot be asked now (then the same check runs
  // before the first insert, and reports the batch instead).
  Status check_settings(const Deadline& deadline);

 private:
  struct CachedPlan {
    std::unique_ptr<TablePlan> plan;
    int64_t fetched_us = 0;  // Clock::monotonic_us()
  };

  Result<const TablePlan*> plan_for(const std::string& database, const std::string& table,
                                    const Deadline& deadline);
  Status ensure_dead_letter_table(const Deadline& deadline);
  // Removes from encoded_.dead_letters those already in the dead-letter table.
  Status drop_written_dead_letters(std::span<const KinesisRecord> records,
                                   const Deadline& deadline);
  // Writes one stream's records, to the route's table or, with table_field,
  // to each table its payloads name, each table with its TableStats in
  // `stats`. On failure returns the error and sets `first_unwritten` to the
  // earliest record that must be retried.
  Status write_group(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                     const Deadline& deadline, InvocationStats& stats, uint32_t& first_unwritten);
  // One table's insert (and its dead letters); `earliest`: its first record.
  Status write_table(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                     const std::string& database, const std::string& table,
                     const EncodeOptions& options, const ServerVersion& version,
                     const std::set<std::string>& server_has, const Deadline& deadline,
                     TableStats& stats, uint32_t& earliest);

  Config config_;
  FunctionEnv env_;
  Logger log_;
  InvocationReport report_;
  ClickHouseClient clickhouse_;
  RouteClient routes_;
  RouteCache route_cache_;
  EnvelopeDecoder envelope_;
  BatchEncoder encoder_;
  EncodedBatch encoded_;
  std::string dead_letter_body_;
  std::string columns_sql_;
  std::map<std::string, CachedPlan> plans_;
  std::vector<std::string> settings_names_;  // the system.settings the function asks about
  std::vector<std::string> tables_;          // write_group: the tables of one stream's records
  std::vector<std::pair<std::string_view, std::vector<uint32_t>>> groups_;  // by stream
  bool dead_letter_table_ready_ = false;
  bool dead_letter_has_sub_sequence_ = false;
};

// The SQL that creates the dead-letter table (works on 18.16 and current
// servers).
std::string dead_letter_ddl(std::string_view database, std::string_view table);

}  // namespace k2c
