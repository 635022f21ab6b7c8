#include "kinesis/batch.h"

#include <algorithm>

#include "kinesis/base64.h"
#include "kinesis/json_scan.h"
#include "kinesis/json_views.h"
#include "base/bytes.h"

namespace k2c {
namespace {

DeadLetter dead(uint32_t index, const char* code, std::string message, std::string_view raw) {
  return DeadLetter{index, code, std::move(message), std::string(raw)};
}

bool is_valid_scalar_or_array(simdjson::ondemand::document& doc, simdjson::ondemand::json_type type) {
  using simdjson::ondemand::json_type;
  bool ok = false;
  switch (type) {
    case json_type::null: {
      bool is_null = false;
      ok = !doc.is_null().get(is_null) && is_null;
      break;
    }
    case json_type::boolean: ok = !doc.get_bool().error(); break;
    case json_type::number: ok = !doc.get_number().error(); break;
    case json_type::string: ok = !doc.get_string().error(); break;
    case json_type::array: {
      simdjson::ondemand::array a;
      std::string_view raw;
      ok = !doc.get_array().get(a) && !a.raw_json().get(raw);
      break;
    }
    case json_type::object: ok = true; break;
  }
  return ok && at_document_end(doc);
}

// Encoder::encode, with strings read as views of the payload when they have
// no escapes (the same text get_string() would give, without the copy).
Status encode_value(const Encoder& encoder, simdjson::ondemand::value& value, std::string& out) {
  simdjson::ondemand::json_type type;
  if (auto e = value.type().get(type)) return invalid_json(e);
  if (type != simdjson::ondemand::json_type::string) return encoder.encode(value, out);
  std::string_view s;
  if (auto e = string_value(value, s)) return invalid_json(e);
  const size_t mark = out.size();
  Status st = encoder.from_string(s, out);
  if (!st.ok()) out.resize(mark);
  return st;
}

// One scalar at the cursor, through the Encoder call that Encoder::encode()
// makes for its JSON kind. False: not a scalar this lane reads (an escaped
// string, an array, an object, invalid JSON) or a rejected value; the caller
// rolls the body back.
[[gnu::always_inline]] inline bool scan_scalar(scan::Cursor& c, const Encoder& encoder,
                                               std::string& out) {
  switch (c.peek()) {
    case '"': {
      ++c.p;
      std::string_view s;
      return scan::plain_string(c, s) && encoder.from_string(s, out).ok();
    }
    case 't': return scan::literal(c, "true") && encoder.from_bool(true, out).ok();
    case 'f': return scan::literal(c, "false") && encoder.from_bool(false, out).ok();
    case 'n': return scan::literal(c, "null") && encoder.from_null(out).ok();
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
      std::string_view number;
      return scan::number(c, number) && encoder.from_number(number, out).ok();
    }
    default: return false;
  }
}

// An array of scalars at the cursor, as ArrayEncoder::from_array writes it:
// the element count (unsigned LEB128), then the elements.
bool scan_array(scan::Cursor& c, const Encoder& element, std::string& out) {
  ++c.p;  // '['
  const size_t count_at = out.size();
  out.push_back('\0');  // the count: one byte while below 128
  uint64_t count = 0;
  if (!c.consume(']')) {
    for (;;) {
      c.skip_ws();
      if (!scan_scalar(c, element, out)) return false;
      ++count;
      if (c.consume(',')) continue;
      if (!c.consume(']')) return false;
      break;
    }
  }
  if (count < 0x80) {
    out[count_at] = static_cast<char>(count);
  } else {
    std::string varint;
    put_varint(varint, count);
    out.replace(count_at, 1, varint);
  }
  return true;
}

}  // namespace

BatchEncoder::BatchEncoder() : parser_(kMaxPayloadBytes) {}

void BatchEncoder::encode(std::span<const KinesisRecord> records, std::span<const uint32_t> which,
                          const TablePlan& plan, bool with_defaults, EncodedBatch& out) {
  const size_t n = plan.columns().size();
  with_defaults_ = with_defaults;
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
                                  "internal_error");
  return false;
}

void BatchEncoder::encode_pass(std::span<const KinesisRecord> records,
                               std::span<const uint32_t> which, const TablePlan& plan,
                               EncodedBatch& out) {
  out.body.clear();
  out.rows.clear();
  out.dead_letters.clear();
  seen_.assign(plan.columns().size(), 0);
  for (uint32_t index : which) {
    if (encode_record(records[index], index, plan, out)) out.rows.push_back(index);
  }
}

bool BatchEncoder::encode_record(const KinesisRecord& record, uint32_t index,
                                 const TablePlan& plan, EncodedBatch& out) {
  size_t len = 0;
  if (!base64_decode(record.data_base64, decoded_, simdjson::SIMDJSON_PADDING, len)) {
    out.dead_letters.push_back(dead(index, "invalid_base64", "kinesis.data is not valid base64",
                                    record.data_base64));
    return false;
  }
  const std::string_view payload(decoded_.data(), len);
  if (len > kMaxPayloadBytes) {
    out.dead_letters.push_back(dead(index, "payload_too_large",
                                    "payload of " + std::to_string(len) +
                                        " bytes exceeds the 1 MiB Kinesis record limit",
                                    payload));
    return false;
  }
  if (encode_in_order(record, len, plan, out.body)) return true;
  return encode_with_slots(record, index, len, plan, out);
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

// Writes column `c` of a row with no payload value: metadata, or the
// missing-value encoding. False when a metadata value is rejected.
bool BatchEncoder::write_unprovided(const PlannedColumn& col, const KinesisRecord& record,
                                    std::string& body) const {
  if (col.source != ColumnSource::payload) {
    if (with_defaults_) body.push_back('\0');
    return write_metadata(col, record, body).ok();
  }
  if (with_defaults_ && !col.nullable) {
    body.push_back('\1');
  } else {
    if (with_defaults_) body.push_back('\0');
    col.encoder->write_default(body);
  }
  return true;
}

// The fast lane (see kinesis/json_scan.h): the payload is scanned once and
// values are written straight into the body, when it is an object whose
// column keys come in table order, each at most once, every value a string
// without escapes, a number, a literal or an array of those, and every value
// accepted. Anything else rolls the body back and returns false with no
// other effect, and encode_with_slots, the general lane, does the record
// again: it alone decides dead letters, so both lanes give the same bytes.
// Against the simdjson walk this lane replaced, it saves a second simdjson
// document per record: stage 1 and the iterator set-up cost more than the
// scan on payloads of a few hundred bytes.
bool BatchEncoder::encode_in_order(const KinesisRecord& record, size_t len, const TablePlan& plan,
                                   std::string& body) {
  if (!fast_lane_) return false;
  const std::string_view payload(decoded_.data(), len);
  // The general lane's stage 1 checks UTF-8; the scanner relies on this pass.
  if (!simdjson::validate_utf8(payload.data(), payload.size())) return false;
  scan::Cursor c(payload, decoded_.size() - len);
  if (!c.consume('{')) return false;
  const auto& columns = plan.columns();
  const size_t mark = body.size();
  size_t next = 0;  // columns before `next` are written
  size_t position = 0;
  seen_now_.clear();
  auto fill_to = [&](size_t end) {
    for (; next < end; ++next)
      if (include_[next] && !write_unprovided(columns[next], record, body)) return false;
    return true;
  };
  auto give_up = [&] {
    body.resize(mark);
    return false;
  };
  if (!c.consume('}')) {
    for (;;) {
      std::string_view key;
      if (!scan::quoted(c, key) || !c.consume(':')) return give_up();
      c.skip_ws();
      // The column this key position had last time, checked in one vector
      // step (the key lies in the padded payload buffer), else the lookup.
      int ci;
      if (position < hints_.size() && hints_[position] >= 0 &&
          plan.is_payload_column(static_cast<size_t>(hints_[position]), key)) {
        ci = hints_[position];
      } else {
        ci = column_of(key, position, plan);
      }
      ++position;
      if (ci < 0) {
        if (!scan::skip_value(c)) return give_up();  // unknown keys are ignored
      } else if (static_cast<size_t>(ci) < next) {
        return give_up();  // repeated or out of order
      } else if (c.peek() == 'n') {
        // Missing, unless the key comes again: the column stays unwritten.
        if (!scan::literal(c, "null")) return give_up();
      } else {
        const size_t col = static_cast<size_t>(ci);
        seen_now_.push_back(static_cast<uint32_t>(col));
        if (!fill_to(col)) return give_up();
        next = col + 1;
        // A column left out of this pass is still checked, into scratch:
        // whether the record is a row must not depend on the column set.
        std::string& dest = include_[col] ? body : scratch_;
        if (!include_[col]) scratch_.clear();
        else if (with_defaults_) body.push_back('\0');
        const Encoder& encoder = *columns[col].encoder;
        if (c.peek() == '[') {
          const Encoder* element = encoder.array_element();
          if (element == nullptr || !scan_array(c, *element, dest)) return give_up();
        } else if (!scan_scalar(c, encoder, dest)) {
          return give_up();
        }
      }
      if (c.consume(',')) continue;
      if (c.consume('}')) break;
      return give_up();
    }
  }
  c.skip_ws();
  if (!c.at_end() || !fill_to(columns.size())) return give_up();
  for (uint32_t col : seen_now_) seen_[col] = 1;
  ++fast_lane_rows_;
  return true;
}

bool BatchEncoder::encode_with_slots(const KinesisRecord& record, uint32_t index, size_t len,
                                     const TablePlan& plan, EncodedBatch& out) {
  const std::string_view payload(decoded_.data(), len);
  simdjson::ondemand::document doc;
  simdjson::ondemand::json_type type;
  if (auto e = parser_.iterate(decoded_.data(), len, decoded_.size()).get(doc);
      e || (e = doc.type().get(type))) {
    out.dead_letters.push_back(dead(index, "invalid_json", invalid_json(e).message, payload));
    return false;
  }
  if (type != simdjson::ondemand::json_type::object) {
    // ondemand types a document by its first byte: check it is valid JSON
    // before calling it "not an object".
    const bool valid = is_valid_scalar_or_array(doc, type);
    out.dead_letters.push_back(
        valid ? dead(index, "not_an_object", "the payload is JSON but not an object", payload)
              : dead(index, "invalid_json", "invalid JSON: not a JSON value", payload));
    return false;
  }
  simdjson::ondemand::object object;
  if (auto e = doc.get_object().get(object)) {
    out.dead_letters.push_back(dead(index, "invalid_json", invalid_json(e).message, payload));
    return false;
  }

  const auto& columns = plan.columns();
  std::fill(provided_.begin(), provided_.end(), 0);
  seen_now_.clear();
  const Error* failure = nullptr;
  Error error{ErrorKind::bad_record, ""};
  for (auto field : object) {
    std::string_view key;
    if (auto e = field_key(field, key)) {
      error = invalid_json(e);
      failure = &error;
      break;
    }
    const int c = plan.find_payload_column(key);
    if (c < 0) continue;  // unknown keys are ignored (the value is skipped)
    simdjson::ondemand::value value;
    simdjson::ondemand::json_type vtype;
    if (auto e = field.value().get(value); e || (e = value.type().get(vtype))) {
      error = invalid_json(e);
      failure = &error;
      break;
    }
    if (vtype == simdjson::ondemand::json_type::null) {
      bool is_null = false;
      if (value.is_null().get(is_null) || !is_null) {
        error = invalid_json(simdjson::N_ATOM_ERROR);
        failure = &error;
        break;
      }
      provided_[static_cast<size_t>(c)] = 0;  // null = missing (last occurrence wins)
      continue;
    }
    if (failure != nullptr) continue;
    seen_now_.push_back(static_cast<uint32_t>(c));
    // Checked even when not sent in this pass (see settle_column_set).
    std::string& slot = slots_[static_cast<size_t>(c)];
    slot.clear();
    if (auto st = encode_value(*columns[static_cast<size_t>(c)].encoder, value, slot); !st.ok()) {
      error = std::move(st).error();
      if (error.message.find("invalid JSON") != 0)
        error.message = "column `" + columns[static_cast<size_t>(c)].name + "`: " + error.message;
      failure = &error;
      if (std::string_view(error.code) == "invalid_json") break;
      continue;  // read on: invalid JSON later in the record is what is reported
    }
    provided_[static_cast<size_t>(c)] = 1;
  }
  if (failure == nullptr && !at_document_end(doc)) {
    error = make_error(ErrorKind::bad_record, "trailing bytes after the JSON object", "invalid_json");
    failure = &error;
  }
  if (failure != nullptr) {
    out.dead_letters.push_back(
        dead(index, *failure->code ? failure->code : "value_rejected", failure->message, payload));
    return false;
  }

  const size_t mark = out.body.size();
  for (size_t c = 0; c < columns.size(); ++c) {
    if (!include_[c]) continue;
    const auto& col = columns[c];
    if (col.source != ColumnSource::payload) {
      if (with_defaults_) out.body.push_back('\0');
      if (auto st = write_metadata(col, record, out.body); !st.ok()) {
        out.body.resize(mark);
        out.dead_letters.push_back(
            dead(index, "value_rejected", "column `" + col.name + "`: " + st.error().message, payload));
        return false;
      }
    } else if (provided_[c]) {
      if (with_defaults_) out.body.push_back('\0');
      out.body.append(slots_[c]);
    } else if (with_defaults_ && !col.nullable) {
      out.body.push_back('\1');  // the server applies the column's DEFAULT
    } else {
      if (with_defaults_) out.body.push_back('\0');
      col.encoder->write_default(out.body);  // NULL for Nullable, else the zero value
    }
  }
  for (uint32_t col : seen_now_) seen_[col] = 1;  // a row: its columns count
  return true;
}

Status BatchEncoder::write_metadata(const PlannedColumn& column, const KinesisRecord& record,
                                    std::string& out) const {
  switch (column.source) {
    case ColumnSource::stream_arn: return column.encoder->from_string(record.event_source_arn, out);
    case ColumnSource::shard_id: return column.encoder->from_string(record.shard_id, out);
    case ColumnSource::sequence_number:
      return column.encoder->from_string(record.sequence_number, out);
    case ColumnSource::partition_key: return column.encoder->from_string(record.partition_key, out);
    case ColumnSource::arrival_time:
      if (record.arrival_timestamp.empty()) return column.encoder->from_null(out);
      return column.encoder->from_number(record.arrival_timestamp, out);
    case ColumnSource::payload: break;
  }
  return ok_status();
}

void encode_dead_letters(std::span<const KinesisRecord> records,
                         std::span<const DeadLetter> dead_letters, std::string_view target_table,
                         uint32_t failed_at, std::string& out) {
  for (const auto& d : dead_letters) {
    const KinesisRecord& r = records[d.record];
    put_fixed(out, failed_at);
    put_string(out, r.event_source_arn);
    put_string(out, r.shard_id);
    put_string(out, r.sequence_number);
    put_string(out, r.partition_key);
    put_string(out, target_table);
    put_string(out, d.code);
    put_string(out, d.message);
    put_string(out, d.raw);
  }
}

}  // namespace k2c
