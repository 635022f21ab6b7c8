#include "rowbinary/encoder.h"

#include "base/text.h"
#include "rowbinary/encoder_families.h"

namespace k2c {
namespace {

// JSON's number grammar (RFC 8259 §6); simdjson's stage 1 does not check it
// for a token we read as raw text.
bool is_json_number(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    size_t start = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == n;
}

std::string shorten(std::string_view v) {
  constexpr size_t kMax = 80;
  if (v.size() <= kMax) return std::string(v);
  return std::string(v.substr(0, kMax)) + "...";
}

}  // namespace

Error invalid_json(simdjson::error_code error) {
  return make_error(ErrorKind::bad_record,
                    std::string("invalid JSON: ") + simdjson::error_message(error), ErrorCode::invalid_json);
}

Error Encoder::reject(std::string_view what, std::string_view got) const {
  std::string msg = "expected ";
  msg.append(what).append(" for ").append(type_text_).append(", got ").append(shorten(got));
  return make_error(ErrorKind::bad_record, std::move(msg), ErrorCode::value_rejected);
}

Status Encoder::encode(simdjson::ondemand::value value, std::string& out) const {
  const size_t mark = out.size();
  simdjson::ondemand::json_type type;
  if (auto e = value.type().get(type)) return invalid_json(e);
  Status st = ok_status();
  switch (type) {
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      if (auto e = value.get_string().get(s)) return invalid_json(e);
      st = from_string(s, out);
      break;
    }
    case simdjson::ondemand::json_type::number: {
      std::string_view token = trim_trailing_ws(value.raw_json_token());
      if (!is_json_number(token)) return invalid_json(simdjson::NUMBER_ERROR);
      st = from_number(token, out);
      break;
    }
    case simdjson::ondemand::json_type::boolean: {
      bool b;
      if (auto e = value.get_bool().get(b)) return invalid_json(e);
      st = from_bool(b, out);
      break;
    }
    case simdjson::ondemand::json_type::null: {
      bool is_null = false;
      if (auto e = value.is_null().get(is_null)) return invalid_json(e);
      if (!is_null) return invalid_json(simdjson::N_ATOM_ERROR);
      st = from_null(out);
      break;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array a;
      if (auto e = value.get_array().get(a)) return invalid_json(e);
      st = from_array(a, out);
      break;
    }
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object o;
      if (auto e = value.get_object().get(o)) return invalid_json(e);
      st = from_object(o, out);
      break;
    }
  }
  if (!st.ok()) out.resize(mark);
  return st;
}

Status Encoder::from_string(std::string_view s, std::string&) const {
  return reject("a value", "\"" + shorten(s) + "\"");
}
Status Encoder::from_number(std::string_view number, std::string&) const {
  return reject("a value", number);
}
Status Encoder::from_bool(bool b, std::string&) const {
  return reject("a value", b ? "true" : "false");
}
Status Encoder::from_null(std::string& out) const {
  write_default(out);
  return ok_status();
}
Status Encoder::from_array(simdjson::ondemand::array, std::string&) const {
  return reject("a value", "an array");
}
Status Encoder::from_object(simdjson::ondemand::object, std::string&) const {
  return reject("a value", "an object");
}

std::unique_ptr<Encoder> make_encoder(const TypeNode& type) {
  switch (type.id) {
    case TypeId::Int8: case TypeId::Int16: case TypeId::Int32: case TypeId::Int64:
    case TypeId::Int128: case TypeId::Int256:
    case TypeId::UInt8: case TypeId::UInt16: case TypeId::UInt32: case TypeId::UInt64:
    case TypeId::UInt128: case TypeId::UInt256:
      return make_integer_encoder(type);
    case TypeId::Float32: case TypeId::Float64:
      return make_float_encoder(type);
    case TypeId::Decimal32: case TypeId::Decimal64: case TypeId::Decimal128: case TypeId::Decimal256:
      return make_decimal_encoder(type);
    case TypeId::Bool:
      return make_bool_encoder(type);
    case TypeId::String: case TypeId::FixedString:
      return make_string_encoder(type);
    case TypeId::Date: case TypeId::Date32: case TypeId::DateTime: case TypeId::DateTime64:
      return make_time_encoder(type);
    case TypeId::UUID:
      return make_uuid_encoder(type);
    case TypeId::IPv4: case TypeId::IPv6:
      return make_ip_encoder(type);
    case TypeId::Enum8: case TypeId::Enum16:
      return make_enum_encoder(type);
    case TypeId::Nullable:
      return make_nullable_encoder(type);
    case TypeId::LowCardinality:
      // RowBinary carries LowCardinality(T) exactly as T.
      return make_encoder(type.children.at(0));
    case TypeId::Array:
      return make_array_encoder(type);
    case TypeId::Map:
      return make_map_encoder(type);
    case TypeId::Tuple:
      return make_tuple_encoder(type);
    case TypeId::Json:
      return make_json_encoder(type);
    case TypeId::Variant:
      return make_variant_encoder(type);
    case TypeId::Dynamic:
      return make_dynamic_encoder(type);
  }
  return make_string_encoder(type);
}

}  // namespace k2c
