#include "app/metrics.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <iterator>

#include "base/json_string.h"

namespace k2c {
namespace {

constexpr const char* kCount = "Count";
constexpr const char* kMilliseconds = "Milliseconds";
constexpr const char* kBytes = "Bytes";

// The invocation line's metrics, in order; IteratorAgeMs is the one that may
// be missing.
constexpr const char* kInvocationNames[] = {"Records",         "Rows",       "DeadLetters",
                                            "RetriesReported", "DurationMs", "CpuMs",
                                            "BytesIn",         "BytesSent",  "IteratorAgeMs"};
constexpr const char* kInvocationUnits[] = {
    kCount, kCount, kCount, kCount, kMilliseconds, kMilliseconds, kBytes, kBytes, kMilliseconds};
constexpr const char* kTableNames[] = {"Records", "Rows", "DeadLetters", "RetriesReported",
                                       "BytesSent"};
constexpr const char* kTableUnits[] = {kCount, kCount, kCount, kCount, kBytes};
constexpr const char* kKindNames[] = {"DeadLetters"};
constexpr const char* kKindUnits[] = {kCount};

// Appends `,"name":value`; integers without a fraction, others with three
// digits. Never NaN or infinity, which JSON cannot hold.
void append_member(std::string& out, std::string_view name, double value) {
  if (!std::isfinite(value)) value = 0;
  out += ",\"";
  out += name;
  out += "\":";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    fmt::format_to(std::back_inserter(out), "{}", static_cast<int64_t>(value));
  } else {
    fmt::format_to(std::back_inserter(out), "{:.3f}", value);
  }
}

void append_member(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(out, value);
}

}  // namespace

uint32_t InvocationStats::rows() const {
  uint32_t n = 0;
  for (const TableStats& t : tables()) n += t.rows;
  return n;
}

uint32_t InvocationStats::dead_letters() const {
  uint32_t n = 0;
  for (const TableStats& t : tables()) n += t.dead_letters;
  return n;
}

uint64_t InvocationStats::bytes_sent() const {
  uint64_t n = 0;
  for (const TableStats& t : tables()) n += t.bytes_sent;
  return n;
}

void InvocationStats::reset(std::string_view id, int64_t started, uint64_t in) {
  request_id = id;
  started_ms = started;
  bytes_in = in;
  records = 0;
  retry_reported = false;
  has_iterator_age = false;
  iterator_age_ms = 0;
  duration_ms = 0;
  cpu_ms = 0;
  used_tables_ = 0;
  by_kind_.clear();
}

void InvocationStats::measure_iterator_age(std::span<const KinesisRecord> batch) {
  double oldest = 0;
  has_iterator_age = false;
  for (const KinesisRecord& r : batch) {
    const std::string_view t = r.arrival_timestamp;
    double seconds = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), seconds);
    if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(seconds)) continue;
    if (!has_iterator_age || seconds < oldest) oldest = seconds;
    has_iterator_age = true;
  }
  if (!has_iterator_age) return;
  // Clocks differ: an arrival time after ours is an age of 0, not negative.
  const double age = static_cast<double>(started_ms) - oldest * 1000.0;
  iterator_age_ms = age > 0 ? static_cast<int64_t>(std::llround(age)) : 0;
}

TableStats& InvocationStats::add_table(std::string_view stream, uint32_t n) {
  if (used_tables_ == tables_.size()) tables_.emplace_back();
  TableStats& t = tables_[used_tables_++];
  t.stream.assign(stream);
  t.table.clear();
  t.records = n;
  t.rows = 0;
  t.dead_letters = 0;
  t.control_messages = 0;
  t.retry = false;
  t.bytes_sent = 0;
  return t;
}

void InvocationStats::count_dead_letter(std::string_view kind) {
  for (DeadLetterCount& k : by_kind_) {
    if (k.kind == kind) {
      ++k.count;
      return;
    }
  }
  by_kind_.push_back({kind, 1});
}

InvocationReport::InvocationReport(const Config& config)
    : enabled_(config.metrics),
      namespace_(config.metrics_namespace),
      function_name_(config.function_name) {}

void InvocationReport::emit(int64_t now_ms, Logger& log, LogSink& metrics) {
  format_human_fields();
  if (!enabled_) {
    log.log(LogLevel::info, stats_.request_id, message_, fields_);
    return;
  }
  write_invocation_line(now_ms, metrics);
  const auto tables = stats_.tables();
  if (tables.size() > 1)
    for (const TableStats& t : tables)
      if (!t.table.empty()) write_table_line(now_ms, t, metrics);
  for (const DeadLetterCount& k : stats_.dead_letters_by_kind())
    write_kind_line(now_ms, k, metrics);
}

void InvocationReport::format_human_fields() {
  const InvocationStats& s = stats_;
  written_.assign("[");
  for (const TableStats& t : s.tables()) {
    if (t.retry || t.table.empty()) continue;
    if (written_.size() > 1) written_ += ',';
    written_ += "{\"stream\":";
    append_json_string(written_, t.stream);
    written_ += ",\"table\":";
    append_json_string(written_, t.table);
    fmt::format_to(std::back_inserter(written_), ",\"rows\":{},\"dead_letters\":{}", t.rows,
                   t.dead_letters);
    if (t.control_messages > 0)
      fmt::format_to(std::back_inserter(written_), ",\"control_messages\":{}", t.control_messages);
    written_ += '}';
  }
  written_ += ']';
  records_.clear();
  fmt::format_to(std::back_inserter(records_), "{}", s.records);
  ms_.clear();
  fmt::format_to(std::back_inserter(ms_), "{:.1f}", s.duration_ms);
  cpu_ms_.clear();
  fmt::format_to(std::back_inserter(cpu_ms_), "{:.1f}", s.cpu_ms);
  message_.clear();
  fmt::format_to(std::back_inserter(message_), "{} records: {} rows, {} dead letters{}", s.records,
                 s.rows(), s.dead_letters(), s.retry_reported ? ", reported for retry" : "");
  fields_[0] = {"records", records_, true};
  fields_[1] = {"ms", ms_, true};
  fields_[2] = {"cpu_ms", cpu_ms_, true};
  fields_[3] = {"written", written_, true};
}

void InvocationReport::open_document(int64_t now_ms,
                                     std::initializer_list<std::initializer_list<const char*>> sets,
                                     std::span<const char* const> names,
                                     std::span<const char* const> units) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_), "{{\"_aws\":{{\"Timestamp\":{},", now_ms);
  line_ += "\"CloudWatchMetrics\":[{\"Namespace\":";
  append_json_string(line_, namespace_);
  line_ += ",\"Dimensions\":[";
  bool first_set = true;
  for (const auto& set : sets) {
    line_ += first_set ? "[" : ",[";
    first_set = false;
    bool first_key = true;
    for (const char* key : set) {
      line_ += first_key ? "\"" : ",\"";
      first_key = false;
      line_ += key;
      line_ += '"';
    }
    line_ += ']';
  }
  line_ += "],\"Metrics\":[";
  for (size_t i = 0; i < names.size(); ++i) {
    fmt::format_to(std::back_inserter(line_), "{}{{\"Name\":\"{}\",\"Unit\":\"{}\"}}",
                   i == 0 ? "" : ",", names[i], units[i]);
  }
  line_ += "]}]}";
  append_member(line_, "FunctionName", function_name_);
}

void InvocationReport::close_document(int64_t now_ms, std::string_view message,
                                      std::span<const LogField> fields, LogSink& sink) {
  line_ += ',';
  append_json_members(line_, now_ms, LogLevel::info, stats_.request_id, message, fields);
  line_ += '}';
  sink.write(line_);
}

void InvocationReport::write_invocation_line(int64_t now_ms, LogSink& sink) {
  const InvocationStats& s = stats_;
  const auto tables = s.tables();
  const bool one_table = tables.size() == 1 && !tables[0].table.empty();
  const size_t n = std::size(kInvocationNames) - (s.has_iterator_age ? 0 : 1);
  const std::span<const char* const> names(kInvocationNames, n);
  const std::span<const char* const> units(kInvocationUnits, n);
  if (one_table) {
    open_document(now_ms, {{"FunctionName"}, {"FunctionName", "Table"}}, names, units);
    append_member(line_, "Table", tables[0].table);
  } else {
    open_document(now_ms, {{"FunctionName"}}, names, units);
  }
  append_member(line_, "Records", s.records);
  append_member(line_, "Rows", s.rows());
  append_member(line_, "DeadLetters", s.dead_letters());
  append_member(line_, "RetriesReported", s.retry_reported ? 1 : 0);
  append_member(line_, "DurationMs", s.duration_ms);
  append_member(line_, "CpuMs", s.cpu_ms);
  append_member(line_, "BytesIn", static_cast<double>(s.bytes_in));
  append_member(line_, "BytesSent", static_cast<double>(s.bytes_sent()));
  if (s.has_iterator_age)
    append_member(line_, "IteratorAgeMs", static_cast<double>(s.iterator_age_ms));
  close_document(now_ms, message_, fields_, sink);
}

void InvocationReport::write_table_line(int64_t now_ms, const TableStats& t, LogSink& sink) {
  open_document(now_ms, {{"FunctionName", "Table"}}, kTableNames, kTableUnits);
  append_member(line_, "Table", t.table);
  append_member(line_, "Records", t.records);
  append_member(line_, "Rows", t.rows);
  append_member(line_, "DeadLetters", t.dead_letters);
  append_member(line_, "RetriesReported", t.retry ? 1 : 0);
  append_member(line_, "BytesSent", static_cast<double>(t.bytes_sent));
  message_.clear();
  fmt::format_to(std::back_inserter(message_), "table {}: {} records, {} rows, {} dead letters{}",
                 t.table, t.records, t.rows, t.dead_letters, t.retry ? ", reported for retry" : "");
  close_document(now_ms, message_, {}, sink);
}

void InvocationReport::write_kind_line(int64_t now_ms, const DeadLetterCount& k, LogSink& sink) {
  open_document(now_ms, {{"FunctionName", "ErrorKind"}}, kKindNames, kKindUnits);
  append_member(line_, "ErrorKind", k.kind);
  append_member(line_, "DeadLetters", k.count);
  message_.clear();
  fmt::format_to(std::back_inserter(message_), "dead letters of kind {}: {}", k.kind, k.count);
  close_document(now_ms, message_, {}, sink);
}

}  // namespace k2c
