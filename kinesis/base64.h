// Standard base64 (RFC 4648 §4, with '=' padding), as Kinesis delivers
// record data to Lambda.
//
// base64_decode writes into a caller-owned buffer that is reused across
// records: the buffer is grown, never shrunk, and always keeps `padding`
// spare bytes after the decoded data (simdjson reads past the end).
// On x86-64 CPUs with AVX2 (checked once at run time) blocks of 32 characters
// are decoded with vector instructions; the scalar decoder does the rest and
// is the reference: both give the same answer on every input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace k2c {

// Returns false on any character outside the alphabet, bad length or bad
// padding. Line breaks (CR, LF) and missing '=' padding are accepted, as
// lenient decoders do; that repair runs only after the strict decode failed,
// so well-formed input pays nothing for it. On success `size` is the decoded
// length.
bool base64_decode(std::string_view in, std::string& buffer, size_t padding, size_t& size);

namespace detail {
// The two implementations behind base64_decode, for tests.
bool base64_decode_scalar(std::string_view in, std::string& buffer, size_t padding, size_t& size);
// Only callable when base64_avx2_available().
bool base64_decode_avx2(std::string_view in, std::string& buffer, size_t padding, size_t& size);
bool base64_avx2_available() noexcept;
}  // namespace detail

}  // namespace k2c
