#include "kinesis/kinesis.h"

#include <cstring>

#include "base/text.h"
#include "kinesis/json_views.h"

namespace k2c {
namespace {

Error not_kinesis(std::string what) {
  return make_error(ErrorKind::invalid_event, "not a Kinesis event: " + what, ErrorCode::invalid_event);
}

// How keys and strings are read. The general form unescapes (json_views.h).
// kPlain holds when the event has no backslash at all (one memchr per event,
// the common case): then no key or string has an escape, so a key is
// recognised by comparing its raw bytes, closing quote included, without
// first finding its end, and a string is its raw token between the quotes.
template <bool kPlain>
struct Text;

template <>
struct Text<false> {
  static simdjson::error_code key(simdjson::ondemand::field& field, std::string_view& k) {
    return field_key(field, k);
  }
  static bool is(std::string_view k, std::string_view name) { return k == name; }
  static simdjson::error_code string(simdjson::ondemand::value& v, std::string_view& out) {
    return string_value(v, out);
  }
};

template <>
struct Text<true> {
  // Only the raw key: is() compares it with a name and its closing quote
  // (the padding keeps the comparison inside the buffer).
  static simdjson::error_code key(simdjson::ondemand::field& field, std::string_view& k) {
    k = std::string_view(reinterpret_cast<const char*>(field.key().raw()), 0);
    return simdjson::SUCCESS;
  }
  static bool is(std::string_view k, std::string_view name) {
    return std::memcmp(k.data(), name.data(), name.size()) == 0 && k.data()[name.size()] == '"';
  }
  static simdjson::error_code string(simdjson::ondemand::value& v, std::string_view& out) {
    std::string_view token = trim_trailing_ws(v.raw_json_token());
    if (token.size() < 2 || token.front() != '"' || token.back() != '"')
      return simdjson::INCORRECT_TYPE;
    simdjson::ondemand::raw_json_string consumed;
    if (auto e = v.get_raw_json_string().get(consumed)) return e;
    out = token.substr(1, token.size() - 2);
    return simdjson::SUCCESS;
  }
};

template <bool kPlain>
Status read_kinesis(simdjson::ondemand::object kinesis, KinesisRecord& r) {
  using T = Text<kPlain>;
  // Fields and values by reference: copying simdjson's iterator structs per
  // field showed up as store-forwarding stalls (perf annotate).
  for (auto field : kinesis) {
    std::string_view key;
    if (field.error() || T::key(field.value_unsafe(), key)) return not_kinesis("malformed record");
    simdjson::ondemand::value& v = field.value_unsafe().value();
    if (T::is(key, "data")) {
      if (T::string(v, r.data_base64)) return not_kinesis("kinesis.data is not a string");
    } else if (T::is(key, "sequenceNumber")) {
      if (T::string(v, r.sequence_number))
        return not_kinesis("kinesis.sequenceNumber is not a string");
    } else if (T::is(key, "partitionKey")) {
      if (T::string(v, r.partition_key)) return not_kinesis("kinesis.partitionKey is not a string");
    } else if (T::is(key, "approximateArrivalTimestamp")) {
      simdjson::ondemand::json_type t;
      if (v.type().get(t) || t != simdjson::ondemand::json_type::number)
        return not_kinesis("kinesis.approximateArrivalTimestamp is not a number");
      r.arrival_timestamp = trim_trailing_ws(v.raw_json_token());
    }
  }
  return ok_status();
}

template <bool kPlain>
Status read_records(simdjson::ondemand::document& doc, std::vector<KinesisRecord>& records) {
  using T = Text<kPlain>;
  simdjson::ondemand::object root;
  if (doc.get_object().get(root)) return not_kinesis("the event is not a JSON object");
  bool seen_records = false;
  for (auto top : root) {
    std::string_view key;
    if (top.error() || T::key(top.value_unsafe(), key)) return not_kinesis("invalid JSON");
    if (!T::is(key, "Records")) continue;
    seen_records = true;
    simdjson::ondemand::array array;
    if (top.value().get_array().get(array)) return not_kinesis("\"Records\" is not an array");
    for (auto element : array) {
      simdjson::ondemand::object rec;
      if (element.get_object().get(rec)) return not_kinesis("a record is not an object");
      KinesisRecord r;
      for (auto field_result : rec) {
        std::string_view k;
        if (field_result.error() || T::key(field_result.value_unsafe(), k))
          return not_kinesis("invalid JSON");
        simdjson::ondemand::field& field = field_result.value_unsafe();
        if (T::is(k, "kinesis")) {
          simdjson::ondemand::object kinesis;
          if (field.value().get_object().get(kinesis)) return not_kinesis("\"kinesis\" is not an object");
          if (auto st = read_kinesis<kPlain>(kinesis, r); !st.ok()) return st.error();
        } else if (T::is(k, "eventSourceARN")) {
          if (T::string(field.value(), r.event_source_arn))
            return not_kinesis("eventSourceARN is not a string");
        } else if (T::is(k, "eventID")) {
          if (T::string(field.value(), r.event_id)) return not_kinesis("eventID is not a string");
        }
      }
      if (r.data_base64.data() == nullptr || r.sequence_number.empty() || r.event_source_arn.empty())
        return not_kinesis("record " + std::to_string(records.size()) +
                           " lacks kinesis.data, kinesis.sequenceNumber or eventSourceARN");
      r.shard_id = r.event_id.substr(0, r.event_id.find(':'));
      records.push_back(r);
    }
  }
  if (!seen_records) return not_kinesis("no \"Records\" array");
  if (!at_document_end(doc)) return not_kinesis("trailing bytes after the event");
  return ok_status();
}

}  // namespace

bool at_document_end(simdjson::ondemand::document& doc) {
  // simdjson 3.0 has no document::at_end(); past the last token,
  // current_location() answers OUT_OF_BOUNDS.
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

Result<std::span<const KinesisRecord>> EnvelopeDecoder::decode(std::string_view event,
                                                               size_t capacity) {
  records_.clear();
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse the event
  // where it is when the caller's buffer has them, else copy it.
  const char* json = event.data();
  size_t readable = capacity;
  if (capacity < event.size() + simdjson::SIMDJSON_PADDING) {
    if (padded_.size() < event.size() + simdjson::SIMDJSON_PADDING)
      padded_.resize(event.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded_.data(), event.data(), event.size());
    json = padded_.data();
    readable = padded_.size();
  }
  simdjson::ondemand::document doc;
  if (parser_.iterate(json, event.size(), readable).get(doc)) return not_kinesis("invalid JSON");
  const bool plain = std::memchr(json, '\\', event.size()) == nullptr;
  Status st = plain ? read_records<true>(doc, records_) : read_records<false>(doc, records_);
  if (!st.ok()) return std::move(st).error();
  return std::span<const KinesisRecord>(records_);
}

}  // namespace k2c
