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
// Its doors to the outside are parameters (FunctionEnv): the clock, one HTTP
// transport for ClickHouse and one for DynamoDB, and the log sink, so its
// orchestration is unit-tested with fakes (tests/app/function_test.cc).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "kinesis/batch.h"
#include "app/clickhouse_client.h"
#include "app/dynamo_client.h"
#include "kinesis/kinesis.h"
#include "app/route_cache.h"
#include "app/config.h"
#include "runtime/runtime_api.h"
#include "base/env.h"
#include "http/http.h"

namespace k2c {

// Everything Function uses that is not its own state; all must outlive it.
struct FunctionEnv {
  Clock& clock;
  HttpTransport& clickhouse;
  HttpTransport& dynamodb;
  LogSink& log;
};

class Function {
 public:
  Function(Config config, FunctionEnv env);

  Result<std::string> handle(const Invocation& invocation);

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
  // to each table its payloads name. On failure returns the error and sets
  // `first_unwritten` to the earliest record that must be retried.
  Status write_group(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                     const Deadline& deadline, std::string& summary, uint32_t& first_unwritten);
  // One table's insert (and its dead letters); `earliest`: its first record.
  Status write_table(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                     const std::string& database, const std::string& table,
                     const EncodeOptions& options, const ServerVersion& version,
                     const Deadline& deadline, std::string& summary, uint32_t& earliest);

  Config config_;
  FunctionEnv env_;
  ClickHouseClient clickhouse_;
  RouteClient routes_;
  RouteCache route_cache_;
  EnvelopeDecoder envelope_;
  BatchEncoder encoder_;
  EncodedBatch encoded_;
  std::string dead_letter_body_;
  std::string columns_sql_;
  std::map<std::string, CachedPlan> plans_;
  bool dead_letter_table_ready_ = false;
  bool dead_letter_has_sub_sequence_ = false;
};

// The SQL that creates the dead-letter table (works on 18.16 and current
// servers).
std::string dead_letter_ddl(std::string_view database, std::string_view table);

}  // namespace k2c
