// Standard base64 (RFC 4648 §4, with '=' padding), as Kinesis delivers
// record data to Lambda.
//
// base64_decode writes into a caller-owned buffer that is reused across
// records: the buffer is grown, never shrunk, and always keeps `padding`
// spare bytes after the decoded data (simdjson reads past the end).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace k2c {

// Returns false on any character outside the alphabet, bad length or bad
// padding. On success `size` is the decoded length.
bool base64_decode(std::string_view in, std::string& buffer, size_t padding, size_t& size);

}  // namespace k2c
