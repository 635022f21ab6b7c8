// The contract of encoder.h, checked for an encoder of every type family and
// wrapper: null is NULL only for Nullable (else the zero value, exactly what
// write_default writes); a rejected value writes nothing and leaves the buffer
// as it was; write_default writes the documented zero value; the same input
// always gives the same bytes; encode appends and never touches what is
// already in the buffer.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "rowbinary/encoder.h"
#include "tests/rowbinary/every_type.h"

namespace k2c {
namespace {

using testing::to_hex;

using testing::Contract;
using testing::kEveryType;

// An encoder and a buffer with a prefix that must survive every call.
struct Harness {
  explicit Harness(const char* type_text) {
    auto t = parse_type(type_text);
    EXPECT_TRUE(t.ok()) << type_text;
    if (t.ok()) encoder = make_encoder(*t);
  }
  // Encodes `json` after `prefix`; returns the status and leaves the buffer in out.
  Status encode(const std::string& json, std::string& out, const std::string& prefix = "PRE") {
    out = prefix;
    doc = simdjson::padded_string("{\"v\":" + json + "}");
    simdjson::ondemand::document d;
    if (auto e = parser.iterate(doc).get(d)) return invalid_json(e);
    simdjson::ondemand::value v;
    if (auto e = d["v"].get(v)) return invalid_json(e);
    return encoder->encode(v, out);
  }
  std::unique_ptr<Encoder> encoder;
  simdjson::ondemand::parser parser;
  simdjson::padded_string doc;
};

class EncoderContract : public ::testing::TestWithParam<Contract> {};

TEST_P(EncoderContract, WriteDefaultWritesTheZeroValue) {
  const Contract& c = GetParam();
  Harness h(c.type);
  ASSERT_TRUE(h.encoder);
  std::string out = "PRE";
  h.encoder->write_default(out);
  ASSERT_EQ(out.substr(0, 3), "PRE");
  EXPECT_EQ(to_hex(out.substr(3)), c.zero_hex);
}

TEST_P(EncoderContract, NullIsNullOnlyWhenNullableElseTheZeroValue) {
  const Contract& c = GetParam();
  Harness h(c.type);
  ASSERT_TRUE(h.encoder);
  std::string out;
  auto st = h.encode("null", out);
  ASSERT_TRUE(st.ok()) << st.error().message;
  std::string zero = "PRE";
  h.encoder->write_default(zero);
  EXPECT_EQ(to_hex(out), to_hex(zero));
  if (h.encoder->is_nullable()) {
    EXPECT_EQ(to_hex(out.substr(3)), "01");
  } else {
    EXPECT_NE(to_hex(out.substr(3)), "01") << "only Nullable writes the NULL marker alone"
                                           << " (Bool/UInt8-like zero is 00)";
  }
}

TEST_P(EncoderContract, RejectionLeavesTheBufferUnchanged) {
  const Contract& c = GetParam();
  Harness h(c.type);
  ASSERT_TRUE(h.encoder);
  ASSERT_FALSE(c.invalid.empty());
  for (const char* json : c.invalid) {
    std::string out;
    const std::string prefix = std::string("PRE\0\x01\xff", 6);
    auto st = h.encode(json, out, prefix);
    EXPECT_FALSE(st.ok()) << c.type << " accepted " << json << " as " << to_hex(out);
    if (st.ok()) continue;
    EXPECT_EQ(to_hex(out), to_hex(prefix)) << c.type << " <- " << json;
    EXPECT_EQ(st.error().kind, ErrorKind::bad_record);
    EXPECT_NE(st.error().code, ErrorCode::none) << st.error().message;
    EXPECT_FALSE(st.error().message.empty());
  }
}

TEST_P(EncoderContract, SameInputGivesSameBytesAndAppends) {
  const Contract& c = GetParam();
  Harness h(c.type);
  Harness fresh(c.type);
  ASSERT_TRUE(h.encoder && fresh.encoder);
  std::string first, second, third;
  ASSERT_TRUE(h.encode(c.valid, first).ok()) << c.type << " <- " << c.valid;
  // A rejected value in between must not disturb the encoder's state.
  std::string scratch;
  EXPECT_FALSE(h.encode(c.invalid.front(), scratch).ok());
  ASSERT_TRUE(h.encode(c.valid, second).ok());
  ASSERT_TRUE(fresh.encode(c.valid, third).ok());
  EXPECT_EQ(first.substr(0, 3), "PRE");
  EXPECT_GT(first.size(), 3u);
  EXPECT_EQ(to_hex(first), to_hex(second));
  EXPECT_EQ(to_hex(first), to_hex(third));
}

INSTANTIATE_TEST_SUITE_P(EveryType, EncoderContract, ::testing::ValuesIn(kEveryType));

}  // namespace
}  // namespace k2c
