// The general lane of BatchEncoder (kinesis/batch.h): simdjson walks the
// payload, values go to per-column slots, and the row is written in column
// order. This lane alone decides dead letters.
#include <simdjson.h>

#include "kinesis/batch.h"
#include "kinesis/json_views.h"
#include "kinesis/row_writer.h"
#include "rowbinary/framing.h"

namespace k2c {
namespace {

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

}  // namespace

bool BatchEncoder::encode_with_slots(const KinesisRecord& record, const Payload& payload,
                                     uint32_t index, const TablePlan& plan, EncodedBatch& out) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::json_type type;
  if (auto e = parser_.iterate(payload.bytes.data(), payload.bytes.size(), payload.readable).get(doc);
      e || (e = doc.type().get(type))) {
    out.dead_letters.push_back(dead(index, payload, ErrorCode::invalid_json, invalid_json(e).message));
    return false;
  }
  if (type != simdjson::ondemand::json_type::object) {
    // ondemand types a document by its first byte: check it is valid JSON
    // before calling it "not an object".
    const bool valid = is_valid_scalar_or_array(doc, type);
    out.dead_letters.push_back(
        valid ? dead(index, payload, ErrorCode::not_an_object, "the payload is JSON but not an object")
              : dead(index, payload, ErrorCode::invalid_json, "invalid JSON: not a JSON value"));
    return false;
  }
  simdjson::ondemand::object object;
  if (auto e = doc.get_object().get(object)) {
    out.dead_letters.push_back(dead(index, payload, ErrorCode::invalid_json, invalid_json(e).message));
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
      if (error.code == ErrorCode::invalid_json) break;
      continue;  // read on: invalid JSON later in the record is what is reported
    }
    provided_[static_cast<size_t>(c)] = 1;
  }
  if (failure == nullptr && !at_document_end(doc)) {
    error = make_error(ErrorKind::bad_record, "trailing bytes after the JSON object", ErrorCode::invalid_json);
    failure = &error;
  }
  if (failure != nullptr) {
    out.dead_letters.push_back(
        dead(index, payload, failure->code != ErrorCode::none ? failure->code : ErrorCode::value_rejected,
             failure->message));
    return false;
  }

  const size_t mark = out.body.size();
  for (size_t c = 0; c < columns.size(); ++c) {
    if (!include_[c]) continue;
    const auto& col = columns[c];
    if (col.source == ColumnSource::payload && provided_[c]) {
      rowbinary::value_follows(out.body, with_defaults_);
      out.body.append(slots_[c]);
    } else if (!write_unprovided(col, record, payload, with_defaults_, out.body, number_)) {
      out.body.resize(mark);
      std::string rejected;  // the error path only: the value again, for its message
      Status st = write_virtual(col, record, payload, rejected, number_);
      out.dead_letters.push_back(dead(index, payload, ErrorCode::value_rejected,
                                      "column `" + col.name + "`: " + st.error().message));
      return false;
    }
  }
  for (uint32_t col : seen_now_) seen_[col] = 1;  // a row: its columns count
  return true;
}

}  // namespace k2c
