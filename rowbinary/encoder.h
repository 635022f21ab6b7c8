// RowBinary encoders: one per ClickHouse type family, built from a parsed
// TypeNode by make_encoder() (the factory).
//
// Contract of every encoder:
//  - encode() writes exactly one value of its type to `out`, or rejects the
//    JSON value with an ErrorKind::bad_record error (code "value_rejected",
//    or "invalid_json" when the JSON itself is malformed) and leaves `out`
//    exactly as it was;
//  - a JSON null reaches from_null(): NULL for Nullable, else the type's zero
//    value (the batch layer decides about DEFAULT expressions);
//  - write_default() writes the type's zero value (NULL for Nullable).
// Encoders are immutable after construction except for scratch buffers, and
// are used by one thread at a time.
#pragma once

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "rowbinary/type.h"

namespace k2c {

class Encoder {
 public:
  explicit Encoder(const TypeNode& type) : type_text_(type.text) {}
  virtual ~Encoder() = default;
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Dispatches on the JSON type of `value`.
  Status encode(simdjson::ondemand::value value, std::string& out) const;

  // Per JSON kind; the default implementations reject. `number` is the
  // number's JSON text exactly as written.
  virtual Status from_string(std::string_view s, std::string& out) const;
  virtual Status from_number(std::string_view number, std::string& out) const;
  virtual Status from_bool(bool b, std::string& out) const;
  virtual Status from_null(std::string& out) const;
  virtual Status from_array(simdjson::ondemand::array array, std::string& out) const;
  virtual Status from_object(simdjson::ondemand::object object, std::string& out) const;

  virtual void write_default(std::string& out) const = 0;
  virtual bool is_nullable() const { return false; }
  // The element encoder of Array(T), nullptr for every other type: lets the
  // batch encoder's fast lane write an array of scalars itself, with the
  // same calls from_array() makes (a varint count, then one value per
  // element, dispatched as encode() does).
  virtual const Encoder* array_element() const { return nullptr; }

  const std::string& type_text() const { return type_text_; }

 protected:
  // "expected <what> for <Type>, got <value>" as a bad_record error.
  Error reject(std::string_view what, std::string_view got) const;

 private:
  std::string type_text_;
};

// Builds the encoder tree for a type. Never fails for a parsed TypeNode.
std::unique_ptr<Encoder> make_encoder(const TypeNode& type);

// A JSON-invalid error (code "invalid_json") from a simdjson error code.
Error invalid_json(simdjson::error_code error);

}  // namespace k2c
