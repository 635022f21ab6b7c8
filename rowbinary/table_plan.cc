#include "rowbinary/table_plan.h"

#include <algorithm>

#include "base/identifier.h"

namespace k2c {
namespace {

ColumnSource source_of(std::string_view name) {
  if (name == "_stream_arn") return ColumnSource::stream_arn;
  if (name == "_shard_id") return ColumnSource::shard_id;
  if (name == "_sequence_number") return ColumnSource::sequence_number;
  if (name == "_partition_key") return ColumnSource::partition_key;
  if (name == "_approximate_arrival_timestamp") return ColumnSource::arrival_time;
  if (name == "_sub_sequence_number") return ColumnSource::sub_sequence_number;
  if (name == "_raw") return ColumnSource::raw;
  if (name == "_log_group") return ColumnSource::log_group;
  if (name == "_log_stream") return ColumnSource::log_stream;
  if (name == "_log_owner") return ColumnSource::log_owner;
  if (name == "_log_event_id") return ColumnSource::log_event_id;
  if (name == "_log_timestamp") return ColumnSource::log_timestamp;
  if (name == "_message") return ColumnSource::message;
  return ColumnSource::payload;
}

std::string quote_any(std::string_view name) {
  // Column names come from the server; escape backticks and backslashes.
  std::string out = "`";
  for (char c : name) {
    if (c == '`' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

}  // namespace

Result<TablePlan> TablePlan::build(const std::vector<ColumnInfo>& columns) {
  TablePlan plan;
  for (const auto& c : columns) {
    if (c.default_kind == "MATERIALIZED" || c.default_kind == "ALIAS" ||
        c.default_kind == "EPHEMERAL")
      continue;
    auto type = parse_type(c.type);
    if (!type.ok())
      return make_error(ErrorKind::permanent,
                        "column `" + c.name + "`: " + type.error().message, ErrorCode::unsupported_type);
    PlannedColumn pc;
    pc.name = c.name;
    pc.quoted_name = quote_any(c.name);
    pc.encoder = make_encoder(*type);
    pc.nullable = pc.encoder->is_nullable();
    pc.source = source_of(c.name);
    pc.has_default_expression = c.default_kind == "DEFAULT" && !c.default_expression.empty();
    plan.columns_.push_back(std::move(pc));
  }
  // Load factor at most 1/4; the first of duplicate names wins, as emplace did.
  size_t size = 4;
  while (size < plan.columns_.size() * 4) size *= 2;
  plan.by_name_.assign(size, -1);
  plan.mask_ = size - 1;
  plan.name_blocks_.assign(plan.columns_.size(), NameBlock{});
  for (size_t c = 0; c < plan.columns_.size(); ++c) {
    const auto& pc = plan.columns_[c];
    if (pc.source != ColumnSource::payload) continue;
    if (plan.find_payload_column(pc.name) >= 0) continue;
    size_t i = key_hash(pc.name) & plan.mask_;
    while (plan.by_name_[i] >= 0) i = (i + 1) & plan.mask_;
    plan.by_name_[i] = static_cast<int>(c);
    NameBlock& b = plan.name_blocks_[c];
    b.size = static_cast<uint32_t>(pc.name.size());
    std::memcpy(b.bytes, pc.name.data(), std::min(pc.name.size(), sizeof b.bytes));
  }
  if (plan.columns_.empty())
    return make_error(ErrorKind::permanent, "the table has no insertable columns", ErrorCode::no_columns);
  return plan;
}

}  // namespace k2c
