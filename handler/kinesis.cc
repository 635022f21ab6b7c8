#include "handler/kinesis.h"

#include <cstring>

#include "handler/json_views.h"

namespace k2c {
namespace {

Error not_kinesis(std::string what) {
  return make_error(ErrorKind::invalid_event, "not a Kinesis event: " + what, "invalid_event");
}

std::string_view trim_ws(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

Status read_kinesis(simdjson::ondemand::object kinesis, KinesisRecord& r) {
  // Fields and values by reference: copying simdjson's iterator structs per
  // field showed up as store-forwarding stalls (perf annotate).
  for (auto field : kinesis) {
    std::string_view key;
    if (field.error() || field_key(field.value_unsafe(), key)) return not_kinesis("malformed record");
    simdjson::ondemand::value& v = field.value_unsafe().value();
    if (key == "data") {
      if (string_value(v, r.data_base64)) return not_kinesis("kinesis.data is not a string");
    } else if (key == "sequenceNumber") {
      if (string_value(v, r.sequence_number))
        return not_kinesis("kinesis.sequenceNumber is not a string");
    } else if (key == "partitionKey") {
      if (string_value(v, r.partition_key)) return not_kinesis("kinesis.partitionKey is not a string");
    } else if (key == "approximateArrivalTimestamp") {
      simdjson::ondemand::json_type t;
      if (v.type().get(t) || t != simdjson::ondemand::json_type::number)
        return not_kinesis("kinesis.approximateArrivalTimestamp is not a number");
      r.arrival_timestamp = trim_ws(v.raw_json_token());
    }
  }
  return ok_status();
}

}  // namespace

bool at_document_end(simdjson::ondemand::document& doc) {
  // simdjson 3.0 has no document::at_end(); past the last token,
  // current_location() answers OUT_OF_BOUNDS.
  return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

Result<std::span<const KinesisRecord>> EnvelopeDecoder::decode(std::string_view event) {
  records_.clear();
  if (padded_.size() < event.size() + simdjson::SIMDJSON_PADDING)
    padded_.resize(event.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded_.data(), event.data(), event.size());
  simdjson::ondemand::document doc;
  if (parser_.iterate(padded_.data(), event.size(), padded_.size()).get(doc))
    return not_kinesis("invalid JSON");
  simdjson::ondemand::object root;
  if (doc.get_object().get(root)) return not_kinesis("the event is not a JSON object");
  bool seen_records = false;
  for (auto top : root) {
    std::string_view key;
    if (field_key(top, key)) return not_kinesis("invalid JSON");
    if (key != "Records") continue;
    seen_records = true;
    simdjson::ondemand::array records;
    if (top.value().get_array().get(records)) return not_kinesis("\"Records\" is not an array");
    for (auto element : records) {
      simdjson::ondemand::object rec;
      if (element.get_object().get(rec)) return not_kinesis("a record is not an object");
      KinesisRecord r;
      for (auto field_result : rec) {
        std::string_view k;
        if (field_result.error() || field_key(field_result.value_unsafe(), k))
          return not_kinesis("invalid JSON");
        simdjson::ondemand::field& field = field_result.value_unsafe();
        if (k == "kinesis") {
          simdjson::ondemand::object kinesis;
          if (field.value().get_object().get(kinesis)) return not_kinesis("\"kinesis\" is not an object");
          if (auto st = read_kinesis(kinesis, r); !st.ok()) return st.error();
        } else if (k == "eventSourceARN") {
          if (string_value(field.value(), r.event_source_arn))
            return not_kinesis("eventSourceARN is not a string");
        } else if (k == "eventID") {
          if (string_value(field.value(), r.event_id)) return not_kinesis("eventID is not a string");
        }
      }
      if (r.data_base64.data() == nullptr || r.sequence_number.empty() || r.event_source_arn.empty())
        return not_kinesis("record " + std::to_string(records_.size()) +
                           " lacks kinesis.data, kinesis.sequenceNumber or eventSourceARN");
      r.shard_id = r.event_id.substr(0, r.event_id.find(':'));
      records_.push_back(r);
    }
  }
  if (!seen_records) return not_kinesis("no \"Records\" array");
  if (!at_document_end(doc)) return not_kinesis("trailing bytes after the event");
  return std::span<const KinesisRecord>(records_);
}

}  // namespace k2c
