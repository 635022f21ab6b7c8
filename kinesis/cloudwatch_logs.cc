#include "kinesis/cloudwatch_logs.h"

#include "kinesis/kinesis.h"

namespace k2c {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool may_be_log_message(std::string_view p) {
  size_t i = 0;
  while (i < p.size() && is_ws(p[i])) ++i;
  if (i == p.size() || p[i] != '{') return false;
  ++i;
  while (i < p.size() && is_ws(p[i])) ++i;
  constexpr std::string_view kKey = "\"messageType\"";
  return p.substr(i, kKey.size()) == kKey;
}

bool LogMessageParser::parse(std::string_view payload, LogMessage& out) {
  using namespace simdjson;
  out.events.clear();
  out.owner = out.log_group = out.log_stream = {};
  ondemand::document doc;
  if (parser_.iterate(payload.data(), payload.size(), payload.size() + SIMDJSON_PADDING).get(doc))
    return false;
  ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  bool have_type = false, have_group = false, have_stream = false, have_events = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    ondemand::value v;
    if (field.value().get(v)) return false;
    if (key == "messageType") {
      std::string_view t;
      if (v.get_string().get(t)) return false;
      if (t == "DATA_MESSAGE") out.type = LogMessage::Type::data;
      else if (t == "CONTROL_MESSAGE") out.type = LogMessage::Type::control;
      else return false;  // any other type is an ordinary payload
      have_type = true;
    } else if (key == "owner") {
      if (v.get_string().get(out.owner)) return false;
    } else if (key == "logGroup") {
      if (v.get_string().get(out.log_group)) return false;
      have_group = true;
    } else if (key == "logStream") {
      if (v.get_string().get(out.log_stream)) return false;
      have_stream = true;
    } else if (key == "logEvents") {
      ondemand::array events;
      if (v.get_array().get(events)) return false;
      for (auto element : events) {
        ondemand::object e;
        if (element.get_object().get(e)) return false;
        LogEvent event;
        bool have_message = false;
        for (auto ef : e) {
          std::string_view k;
          if (ef.unescaped_key().get(k)) return false;
          ondemand::value ev;
          if (ef.value().get(ev)) return false;
          if (k == "id") {
            if (ev.get_string().get(event.id)) return false;
          } else if (k == "timestamp") {
            if (ev.get_int64().get(event.timestamp_ms)) return false;
          } else if (k == "message") {
            if (ev.get_string().get(event.message)) return false;
            have_message = true;
          }
        }
        if (!have_message) return false;
        out.events.push_back(event);
      }
      have_events = true;
    }
  }
  // Nothing but white space after the object (kinesis.h's at_document_end).
  if (!at_document_end(doc)) return false;
  return have_type && have_group && have_stream && have_events;
}

}  // namespace k2c
