// Constructors of the encoder families, for the factory in encoder.cc.
// Each family lives in its own file (encoders_*.cc).
#pragma once

#include <memory>

#include "rowbinary/encoder.h"

namespace k2c {

std::unique_ptr<Encoder> make_integer_encoder(const TypeNode& type);   // Int*, UInt*
std::unique_ptr<Encoder> make_float_encoder(const TypeNode& type);     // Float32/64
std::unique_ptr<Encoder> make_decimal_encoder(const TypeNode& type);   // Decimal*
std::unique_ptr<Encoder> make_bool_encoder(const TypeNode& type);
std::unique_ptr<Encoder> make_string_encoder(const TypeNode& type);    // String, FixedString
std::unique_ptr<Encoder> make_time_encoder(const TypeNode& type);      // Date*, DateTime*
std::unique_ptr<Encoder> make_uuid_encoder(const TypeNode& type);
std::unique_ptr<Encoder> make_ip_encoder(const TypeNode& type);        // IPv4, IPv6
std::unique_ptr<Encoder> make_enum_encoder(const TypeNode& type);      // Enum8/16
std::unique_ptr<Encoder> make_nullable_encoder(const TypeNode& type);
std::unique_ptr<Encoder> make_array_encoder(const TypeNode& type);
std::unique_ptr<Encoder> make_map_encoder(const TypeNode& type);
std::unique_ptr<Encoder> make_tuple_encoder(const TypeNode& type);
std::unique_ptr<Encoder> make_json_encoder(const TypeNode& type);      // JSON, Object('json')
std::unique_ptr<Encoder> make_variant_encoder(const TypeNode& type);
std::unique_ptr<Encoder> make_dynamic_encoder(const TypeNode& type);

}  // namespace k2c
