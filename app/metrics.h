// One invocation's numbers, and the lines that report them.
//
// Function fills an InvocationStats while it handles a batch; at the end,
// InvocationReport::emit() writes them once. With METRICS=on they become
// CloudWatch Embedded Metric Format (EMF) lines on the metrics sink (stdout),
// always JSON; with METRICS=off, one INFO line through the Logger. Both carry
// the same human-readable fields (records, ms, cpu_ms, written).
//
// EMF, as CloudWatch's specification has it: the root object holds `_aws`
// {Timestamp (epoch ms), CloudWatchMetrics: [{Namespace, Dimensions (sets of
// dimension keys), Metrics ([{Name, Unit}])}]}, and every dimension key and
// every metric name is a top-level member: dimension values strings, metric
// values numbers. A document holds one value per dimension, so:
//   - the invocation line (always): dimension sets [FunctionName] and, when
//     the batch went to one table (always so under a Kinesis event source
//     mapping, which sends one shard of one stream), [FunctionName, Table];
//     Records, Rows, DeadLetters, RetriesReported, IteratorAgeMs (when the
//     records carry approximateArrivalTimestamp), DurationMs, CpuMs, BytesIn,
//     BytesSent; and timestamp, level, requestId, message and the human fields;
//   - a batch that spans several tables adds one line per table, dimension
//     set [FunctionName, Table]: Records, Rows, DeadLetters, RetriesReported,
//     BytesSent;
//   - one line per error kind of the dead letters written, dimension set
//     [FunctionName, ErrorKind]: DeadLetters.
// Every line is built in one reused buffer and written in one call: once the
// buffers have grown, reporting allocates nothing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "base/env.h"
#include "base/log.h"
#include "kinesis/kinesis.h"

namespace k2c {

// The records of one stream of the batch, and what became of them.
struct TableStats {
  std::string stream;  // event source ARN
  std::string table;   // database.table; empty until the route is known
  uint32_t records = 0;
  uint32_t rows = 0;          // written to the target table
  uint32_t dead_letters = 0;  // written to the dead-letter table
  uint32_t control_messages = 0;  // CloudWatch Logs control messages skipped
  bool retry = false;         // reported for retry
  uint64_t bytes_sent = 0;    // insert bodies as sent
};

struct DeadLetterCount {
  std::string_view kind;  // the dead letter's error_kind (static storage)
  uint32_t count = 0;
};

struct InvocationStats {
  std::string_view request_id;  // valid during the invocation
  int64_t started_ms = 0;       // epoch ms when the batch was received
  uint32_t records = 0;
  bool retry_reported = false;
  bool has_iterator_age = false;
  int64_t iterator_age_ms = 0;  // started_ms minus the oldest arrival time
  double duration_ms = 0;
  double cpu_ms = 0;
  uint64_t bytes_in = 0;  // the event

  std::span<const TableStats> tables() const { return {tables_.data(), used_tables_}; }
  std::span<const DeadLetterCount> dead_letters_by_kind() const { return by_kind_; }
  uint32_t rows() const;
  uint32_t dead_letters() const;
  uint64_t bytes_sent() const;

  // Starts an invocation; buffers keep their capacity.
  void reset(std::string_view request_id, int64_t started_ms, uint64_t bytes_in);
  // Sets iterator_age_ms from the oldest approximateArrivalTimestamp.
  void measure_iterator_age(std::span<const KinesisRecord> records);
  TableStats& add_table(std::string_view stream, uint32_t records);
  void count_dead_letter(std::string_view kind);

 private:
  std::vector<TableStats> tables_;
  size_t used_tables_ = 0;
  std::vector<DeadLetterCount> by_kind_;
};

class InvocationReport {
 public:
  explicit InvocationReport(const Config& config);

  InvocationStats& stats() { return stats_; }
  // Writes the invocation's lines: EMF lines to `metrics` when metrics are
  // on (whatever the log level), else one INFO line to `log`.
  void emit(int64_t now_ms, Logger& log, LogSink& metrics);

 private:
  void format_human_fields();
  void write_invocation_line(int64_t now_ms, LogSink& sink);
  void write_table_line(int64_t now_ms, const TableStats& table, LogSink& sink);
  void write_kind_line(int64_t now_ms, const DeadLetterCount& kind, LogSink& sink);
  // `{"_aws":{…}}` without its closing brace, then the FunctionName member.
  void open_document(int64_t now_ms, std::initializer_list<std::initializer_list<const char*>> sets,
                     std::span<const char* const> names, std::span<const char* const> units);
  void close_document(int64_t now_ms, std::string_view message, std::span<const LogField> fields,
                      LogSink& sink);

  bool enabled_;
  std::string namespace_;
  std::string function_name_;
  InvocationStats stats_;
  std::string line_, message_, records_, ms_, cpu_ms_, written_;
  LogField fields_[4];
};

}  // namespace k2c
