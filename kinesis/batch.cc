#include "kinesis/batch.h"

#include <algorithm>


#include "base/bytes.h"
#include "base/identifier.h"
#include "kinesis/base64.h"
#include "kinesis/json_views.h"
#include "kinesis/row_writer.h"

namespace k2c {
namespace {

bool starts_like_object(std::string_view s) {
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{';
  }
  return false;
}

}  // namespace

// Inflated payloads may reach kMaxInflatedBytes; simdjson allocates for the
// largest document it has seen, not for this bound.
BatchEncoder::BatchEncoder() : parser_(kMaxInflatedBytes) {}

void BatchEncoder::encode(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                          const TablePlan& plan, bool with_defaults, EncodedBatch& out,
                          const EncodeOptions& options) {
  const size_t n = plan.columns().size();
  with_defaults_ = with_defaults;
  options_ = options;
  // Hints are column indexes of the plan they were learnt on; each call may
  // bring another table's plan, or a rebuilt one at the same address.
  std::fill(hints_.begin(), hints_.end(), -1);
  slots_.resize(n);
  provided_.assign(n, 0);
  include_.assign(n, 1);
  out.internal_error.reset();
  if (with_defaults) {
    encode_pass(records, which, plan, out);
  } else if (!settle_column_set(records, which, plan, out)) {
    return;
  }
  out.with_defaults = with_defaults;
  out.included.clear();
  for (size_t c = 0; c < n; ++c)
    if (include_[c]) out.included.push_back(static_cast<uint32_t>(c));
}

// Without RowBinaryWithDefaults, a DEFAULT column is sent only when some row
// (a record that is encoded, not dead-lettered) has a value for it; else the
// server computes it for every row. The first pass sends none of them.
//
// Invariant: whether a record becomes a row does not depend on the column
// set (every value is checked, sent or not), so every pass has the same rows,
// and they provide the same columns (seen_). The set only grows, to exactly
// seen_; the pass that adds nothing is the last. So there are at most
// (DEFAULT columns + 1) passes, in practice 1 or 2, and the bytes depend only
// on the records. A pass whose rows no longer provide a column the set holds,
// or one pass too many, breaks the invariant: an internal error on `out`,
// with no rows, rather than an insert whose column set misdescribes its rows.
bool BatchEncoder::settle_column_set(std::span<const KinesisRecord> records,
                                     std::span<const uint32_t> which, const TablePlan& plan,
                                     EncodedBatch& out) {
  const auto& columns = plan.columns();
  auto omissible = [&](size_t c) {
    const auto& col = columns[c];
    return col.has_default_expression && !col.nullable && col.source == ColumnSource::payload;
  };
  size_t max_passes = 1;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (!omissible(c)) continue;
    include_[c] = 0;
    ++max_passes;
  }
  for (size_t pass = 1;; ++pass) {
    encode_pass(records, which, plan, out);
    bool grew = false;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (!omissible(c) || include_[c] == seen_[c]) continue;
      if (include_[c])
        return fail_internal(out, "column `" + columns[c].name + "` left the column set");
      include_[c] = 1;
      grew = true;
    }
    if (!grew) return true;
    if (pass == max_passes) return fail_internal(out, "the column set did not settle");
  }
}

bool BatchEncoder::fail_internal(EncodedBatch& out, std::string message) {
  out.clear();
  out.internal_error = make_error(ErrorKind::permanent, "batch encoder: " + std::move(message),
                                  ErrorCode::internal_error);
  return false;
}

void BatchEncoder::encode_pass(std::span<const KinesisRecord> records,
                               std::span<const uint32_t> which, const TablePlan& plan,
                               EncodedBatch& out) {
  out.body.clear();
  out.rows.clear();
  out.sub_sequences.clear();
  out.dead_letters.clear();
  const uint64_t controls_before = splitter_.control_messages();
  seen_.assign(plan.columns().size(), 0);
  for (uint32_t index : which) {
    const KinesisRecord& record = records[index];
    const std::vector<Payload>* payloads = payloads_of(record, index, out);
    if (payloads == nullptr) continue;
    for (const Payload& p : *payloads) {
      if (!options_.table_field.empty() && table_of(p) != options_.table) continue;
      if (encode_payload(record, p, index, plan, out)) {
        out.rows.push_back(index);
        out.sub_sequences.push_back(p.sub_sequence);
      }
    }
  }
  out.control_messages = splitter_.control_messages() - controls_before;
}

const std::vector<Payload>* BatchEncoder::payloads_of(const KinesisRecord& record, uint32_t index,
                                                      EncodedBatch& out) {
  size_t len = 0;
  if (!base64_decode(record.data_base64, decoded_, simdjson::SIMDJSON_PADDING, len)) {
    out.dead_letters.push_back(DeadLetter{index, ErrorCode::invalid_base64, "kinesis.data is not valid base64",
                                          std::string(record.data_base64), 0,
                                          std::string(record.partition_key)});
    return nullptr;
  }
  const std::string_view data(decoded_.data(), len);
  if (len > kMaxPayloadBytes) {
    out.dead_letters.push_back(DeadLetter{
        index, ErrorCode::payload_too_large,
        "payload of " + std::to_string(len) + " bytes exceeds the 1 MiB Kinesis record limit",
        std::string(data), 0, std::string(record.partition_key)});
    return nullptr;
  }
  if (options_.skip_payload_stage || is_plain(data, options_.text)) {
    // Most records: one payload, the data itself, without the splitter.
    whole_.resize(1);
    Payload& p = whole_[0];
    p = Payload{};
    p.bytes = data;
    p.readable = decoded_.size();
    p.partition_key = record.partition_key;
    p.text = options_.text;
    return &whole_;
  }
  return &splitter_.split(data, decoded_.size(), record.partition_key, options_.text);
}

bool BatchEncoder::encode_payload(const KinesisRecord& record, const Payload& payload,
                                  uint32_t index, const TablePlan& plan, EncodedBatch& out) {
  if (payload.error != ErrorCode::none) {
    out.dead_letters.push_back(dead(index, payload, payload.error, payload.error_message));
    return false;
  }
  if (payload.text) return encode_text_row(record, payload, index, plan, out);
  if (payload.log != nullptr && !starts_like_object(payload.bytes))
    return encode_text_row(record, payload, index, plan, out);  // a plain log line
  if (encode_in_order(record, payload, plan, out.body)) return true;
  const size_t dead_before = out.dead_letters.size();
  if (encode_with_slots(record, payload, index, plan, out)) return true;
  // A log event's message that is not a JSON object after all is a log line.
  if (payload.log != nullptr && out.dead_letters.size() == dead_before + 1) {
    const ErrorCode code = out.dead_letters.back().code;
    if (code == ErrorCode::invalid_json || code == ErrorCode::not_an_object) {
      out.dead_letters.pop_back();
      return encode_text_row(record, payload, index, plan, out);
    }
  }
  return false;
}

bool BatchEncoder::encode_text_row(const KinesisRecord& record, const Payload& payload,
                                   uint32_t index, const TablePlan& plan, EncodedBatch& out) {
  const auto& columns = plan.columns();
  const size_t mark = out.body.size();
  for (size_t c = 0; c < columns.size(); ++c) {
    if (!include_[c]) continue;
    if (write_unprovided(columns[c], record, payload, with_defaults_, out.body, number_)) continue;
    out.body.resize(mark);
    std::string rejected;  // the error path only: the value again, for its message
    Status st = write_virtual(columns[c], record, payload, rejected, number_);
    out.dead_letters.push_back(dead(index, payload, ErrorCode::value_rejected,
                                    "column `" + columns[c].name + "`: " + st.error().message));
    return false;
  }
  return true;
}

std::string_view BatchEncoder::table_of(const Payload& payload) {
  if (payload.error != ErrorCode::none || payload.text) return options_.default_table;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (parser_.iterate(payload.bytes.data(), payload.bytes.size(), payload.readable).get(doc) ||
      doc.get_object().get(object))
    return options_.default_table;
  std::string_view found;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return options_.default_table;
    if (key != options_.table_field) continue;
    std::string_view name;
    if (field.value().get_string().get(name)) found = {};  // last occurrence wins, as for columns
    else found = name;
  }
  // `found` lives in the parser's buffer until the next parse: compare now.
  if (found.empty() || !is_identifier(found)) return options_.default_table;
  if (found == options_.table) return options_.table;
  table_name_.assign(found);
  return table_name_;
}

std::vector<std::string> BatchEncoder::tables_of(std::span<const KinesisRecord> records,
                                                 std::span<const uint32_t> which,
                                                 const EncodeOptions& options) {
  options_ = options;
  options_.table = {};
  std::vector<std::string> tables;
  auto note = [&](std::string_view t) {
    if (std::find(tables.begin(), tables.end(), t) == tables.end()) tables.emplace_back(t);
  };
  EncodedBatch ignored;
  for (uint32_t index : which) {
    const std::vector<Payload>* payloads = payloads_of(records[index], index, ignored);
    if (payloads == nullptr) {
      note(options.default_table);  // its dead letter belongs to the route's table
      continue;
    }
    for (const Payload& p : *payloads) note(table_of(p));
  }
  return tables;
}

int BatchEncoder::column_of(std::string_view key, size_t position, const TablePlan& plan) {
  // Records of one stream tend to list their keys in the same order: try the
  // column the key at this position had last time before the hash lookup.
  if (position < hints_.size()) {
    const int hint = hints_[position];
    const auto& columns = plan.columns();
    if (hint >= 0 && static_cast<size_t>(hint) < columns.size() &&
        columns[static_cast<size_t>(hint)].name == key &&
        columns[static_cast<size_t>(hint)].source == ColumnSource::payload)
      return hint;
  } else if (position < 256) {
    hints_.resize(position + 1, -1);
  }
  const int c = plan.find_payload_column(key);
  if (position < hints_.size()) hints_[position] = c;
  return c;
}

DeadLetter BatchEncoder::dead(uint32_t index, const Payload& payload, ErrorCode code,
                              std::string message) const {
  return DeadLetter{index, code, std::move(message), std::string(payload.bytes),
                    payload.sub_sequence, std::string(payload.partition_key)};
}

void encode_dead_letters(std::span<const KinesisRecord> records,
                         std::span<const DeadLetter> dead_letters, std::string_view target_table,
                         uint32_t failed_at, bool with_sub_sequence, std::string& out) {
  for (const auto& d : dead_letters) {
    const KinesisRecord& r = records[d.record];
    put_fixed(out, failed_at);
    put_string(out, r.event_source_arn);
    put_string(out, r.shard_id);
    put_string(out, r.sequence_number);
    put_string(out, d.partition_key.empty() ? r.partition_key : std::string_view(d.partition_key));
    put_string(out, target_table);
    put_string(out, to_string(d.code));
    put_string(out, d.message);
    put_string(out, d.raw);
    if (with_sub_sequence) put_fixed(out, d.sub_sequence);
  }
}

}  // namespace k2c
