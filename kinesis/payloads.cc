#include "kinesis/payloads.h"

#include <simdjson.h>

namespace k2c {
namespace {

constexpr size_t kPadding = simdjson::SIMDJSON_PADDING;

std::string_view with_padding(std::string& buffer) {
  // Growing capacity once, then reused: no allocation in the steady state.
  if (buffer.capacity() < buffer.size() + kPadding) buffer.reserve(buffer.size() + kPadding);
  return buffer;
}

}  // namespace

std::string* PayloadSplitter::next_inflated() {
  if (inflated_used_ == inflated_.size()) inflated_.push_back(std::make_unique<std::string>());
  return inflated_[inflated_used_++].get();
}

LogFields* PayloadSplitter::next_log_fields() {
  if (log_fields_used_ == log_fields_.size()) log_fields_.push_back(std::make_unique<LogFields>());
  return log_fields_[log_fields_used_++].get();
}

const std::vector<Payload>& PayloadSplitter::split(std::string_view data, size_t readable,
                                                   std::string_view partition_key, bool text) {
  out_.clear();
  offsets_.clear();
  messages_.clear();
  inflated_used_ = 0;
  log_fields_used_ = 0;
  if (has_kpl_magic(data) && deaggregator_.split(data, users_)) {
    // A user record's bytes lie inside `data`, whose padding follows the
    // whole aggregate: everything from a record's start to that end is readable.
    const char* end = data.data() + readable;
    for (size_t i = 0; i < users_.size(); ++i) {
      const UserRecord& u = users_[i];
      add(u.data, static_cast<size_t>(end - u.data.data()), u.partition_key, i, text);
    }
    user_records_ += users_.size();
  } else {
    add(data, readable, partition_key, 0, text);
  }
  // Log events were copied into messages_, which may have moved as it grew:
  // their views are made now.
  for (const Offsets& o : offsets_) {
    Payload& p = out_[o.payload];
    p.bytes = std::string_view(messages_.data() + o.message, o.message_size);
    p.readable = messages_.size() - o.message;
    p.log_event_id = std::string_view(messages_.data() + o.id, o.id_size);
  }
  return out_;
}

void PayloadSplitter::add(std::string_view bytes, size_t readable, std::string_view partition_key,
                          uint64_t sub_sequence, bool text) {
  Payload p;
  p.bytes = bytes;
  p.readable = readable;
  p.partition_key = partition_key;
  p.sub_sequence = sub_sequence;
  p.text = text;

  // Step 2: gzip must inflate; zlib is taken as it is when it does not.
  bool inflated = false;
  switch (sniff_compression(bytes)) {
    case Compressed::none: break;
    case Compressed::gzip: {
      std::string* buffer = next_inflated();
      switch (inflater_.gzip(bytes, kMaxInflatedBytes, *buffer)) {
        case InflateResult::ok: break;
        case InflateResult::corrupt:
          p.error = ErrorCode::invalid_compression;
          p.error_message = "the payload starts with a gzip header but does not inflate cleanly";
          out_.push_back(std::move(p));
          return;
        case InflateResult::too_large:
          p.error = ErrorCode::payload_too_large;
          p.error_message = "the gzip payload inflates to more than 16 MiB";
          out_.push_back(std::move(p));
          return;
      }
      p.bytes = with_padding(*buffer);
      p.readable = buffer->capacity();
      inflated = true;
      break;
    }
    case Compressed::zlib: {
      std::string* buffer = next_inflated();
      const InflateResult r = inflater_.zlib(bytes, kMaxInflatedBytes, *buffer);
      if (r == InflateResult::too_large) {
        p.error = ErrorCode::payload_too_large;
        p.error_message = "the zlib payload inflates to more than 16 MiB";
        out_.push_back(std::move(p));
        return;
      }
      if (r == InflateResult::ok) {
        p.bytes = with_padding(*buffer);
        p.readable = buffer->capacity();
        inflated = true;
      }
      break;
    }
  }

  // Step 3 (json routes): a CloudWatch Logs subscription message. What the
  // service writes is gzip and opens with "messageType"; an inflated payload
  // is always looked at, an uncompressed one only when its first key says so.
  if (!text && (inflated || may_be_log_message(p.bytes)) && log_parser_.parse(p.bytes, log_)) {
    if (log_.type == LogMessage::Type::control) {
      ++control_messages_;
      return;
    }
    add_log_events(log_, partition_key, sub_sequence);
    return;
  }
  out_.push_back(std::move(p));
}

void PayloadSplitter::add_log_events(const LogMessage& message, std::string_view partition_key,
                                     uint64_t sub_sequence) {
  LogFields* fields = next_log_fields();
  fields->owner.assign(message.owner);
  fields->log_group.assign(message.log_group);
  fields->log_stream.assign(message.log_stream);
  for (const LogEvent& e : message.events) {
    Offsets o{out_.size(), 0, e.message.size(), 0, e.id.size()};
    o.id = messages_.size();
    messages_.append(e.id);
    o.message = messages_.size();
    messages_.append(e.message);
    messages_.append(kPadding, '\0');
    Payload p;
    p.partition_key = partition_key;
    p.sub_sequence = sub_sequence;
    p.log = fields;
    p.log_timestamp_ms = e.timestamp_ms;
    offsets_.push_back(o);
    out_.push_back(std::move(p));
  }
}

}  // namespace k2c
