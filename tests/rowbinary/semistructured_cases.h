// The byte table of JSON, Variant and Dynamic (SPEC §4.2): shared by the
// unit test (tests/rowbinary/semistructured_test.cc: our encoder gives these
// bytes) and the 26.7 test (tests/integration/modern/oracle_test.cc: the
// engine reads these bytes and writes the same ones back, and where `sql` is
// set, the engine's own CAST of that value gives them too).
#pragma once

#include "tests/rowbinary/encoder_test_util.h"

namespace k2c::testing {

struct EngineCase {
  Case c;
  const char* sql;  // an expression the engine casts to c.type, or nullptr
};

inline void PrintTo(const EngineCase& e, std::ostream* os) { PrintTo(e.c, os); }

inline const EngineCase kSemistructuredCases[] = {
    // JSON: the object's text, as a String (input_format_binary_read_json_as_string=1).
    {{"JSON", R"({"a":[1,2]})", "0b7b2261223a5b312c325d7d"}, R"('{"a":[1,2]}')"},
    {{"JSON", "{}", "027b7d"}, "'{}'"},
    {{"JSON", "null", "027b7d"}, nullptr},  // the empty object, the column's default
    {{"JSON(max_dynamic_paths=8, a UInt32)", R"({"a":7})", "077b2261223a377d"}, nullptr},
    {{"JSON", "[1]", nullptr}, nullptr},
    {{"JSON", "\"{}\"", nullptr}, nullptr},
    {{"JSON", "1", nullptr}, nullptr},
    // Variant: the index in the sorted list, then the value; 255 = NULL.
    {{"Variant(Int64, String)", "\"abc\"", "0103616263"}, "'abc'"},
    {{"Variant(Int64, String)", "42", "002a00000000000000"}, "42::Int64"},
    // String is listed: it wins. (The engine's CAST of the text '42' parses
    // it as Int64 first; a JSON string stays a string here.)
    {{"Variant(Int64, String)", "\"42\"", "01023432"}, nullptr},
    {{"Variant(Int64, String)", "null", "ff"}, "NULL"},
    {{"Variant(Int64, String)", "1.5", "0103312e35"}, "'1.5'"},  // no float: the number's text
    {{"Variant(Float64, Int64, String)", "1.5", "00000000000000f83f"}, "1.5::Float64"},
    {{"Variant(Float64, Int64, String)", "3", "010300000000000000"}, "3::Int64"},
    {{"Variant(Bool, Int64)", "true", "0001"}, "true"},
    {{"Variant(Bool, Int64)", "1", "010100000000000000"}, "1::Int64"},
    {{"Variant(Int64, UUID)", "true", "000100000000000000"}, "1::Int64"},  // no Bool: an integer
    {{"Variant(Date, UInt8)", "\"2024-01-02\"", "000c4d"}, "'2024-01-02'::Date"},
    {{"Variant(Date, UInt8)", "\"7\"", "0107"}, "7::UInt8"},  // no String: the first that takes it
    {{"Variant(Array(UInt8), String)", "[1,2]", "00020102"}, "[1,2]::Array(UInt8)"},
    {{"Variant(Map(String, UInt8), String)", R"({"a":1})", "0001016101"}, "map('a',1::UInt8)"},
    {{"Variant(Int64, Tuple(a Int64, b String))", R"({"b":"x","a":1})",
      "0101000000000000000178"},
     "tuple(1::Int64, 'x')::Tuple(a Int64, b String)"},
    {{"Variant(Date, UInt8)", "\"x\"", nullptr}, nullptr},
    {{"Variant(Int64, String)", "[1]", nullptr}, nullptr},
    {{"Variant(Int64, String)", "{}", nullptr}, nullptr},
    {{"Variant(Date, UInt8)", "300", nullptr}, nullptr},
    // Dynamic: the binary type encoding, then the value; 00 = NULL.
    {{"Dynamic", "\"x\"", "150178"}, "'x'::String"},
    {{"Dynamic", "-1", "0affffffffffffffff"}, "-1::Int64"},
    {{"Dynamic", "18446744073709551615", "04ffffffffffffffff"}, "18446744073709551615::UInt64"},
    {{"Dynamic", "1e300", "0e9c7500883ce4377e"}, "1e300::Float64"},
    {{"Dynamic", "1.5", "0e000000000000f83f"}, "1.5::Float64"},
    {{"Dynamic", "false", "2d00"}, "false"},
    {{"Dynamic", "null", "00"}, "NULL"},
    {{"Dynamic", "[]", "1e2b2000"}, "[]::Array(Dynamic)"},
    {{"Dynamic", "[1,\"a\"]", "1e2b20020a0100000000000000150161"},
     "[1::Int64::Dynamic, 'a'::Dynamic]::Array(Dynamic)"},
    {{"Dynamic", R"({"k":[1,null]})", "27152b2001016b1e2b20020a010000000000000000"},
     "map('k', [1::Int64::Dynamic, NULL::Dynamic]::Array(Dynamic)::Dynamic)::Map(String, Dynamic)"},
    {{"Dynamic", "1e999", nullptr}, nullptr},
};

}  // namespace k2c::testing
