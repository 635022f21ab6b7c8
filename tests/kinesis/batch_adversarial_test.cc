// Worst-case records (bench/adversarial.h) through the batch encoder: each
// ends as a row with the right bytes or as a dead letter of the right kind,
// in both lanes. What each costs is the bench's to measure
// (bench/adversarial.cc), never asserted here.
#include <gtest/gtest.h>

#include "bench/adversarial.h"
#include "kinesis/batch.h"
#include "base/bytes.h"
#include "tests/rowbinary/encoder_test_util.h"
#include "tests/support/base64_encode.h"

namespace k2c {
namespace {

struct Outcome {
  std::string body;                   // the row's bytes, when a row
  const char* dead_letter = nullptr;  // the dead letter's code, when one
};

Outcome encode_one(const bench::AdversarialShape& shape, bool fast_lane) {
  auto plan = TablePlan::build({{"v", shape.type, "", ""}});
  EXPECT_TRUE(plan.ok()) << shape.name;
  const std::string data = testing::base64_encode(shape.payload);
  KinesisRecord record;
  record.data_base64 = data;
  const uint32_t which[] = {0};
  BatchEncoder encoder;
  encoder.set_fast_lane(fast_lane);
  EncodedBatch out;
  encoder.encode({&record, 1}, which, *plan, false, out);
  Outcome o;
  if (out.dead_letters.empty()) o.body = out.body;
  else o.dead_letter = to_string(out.dead_letters[0].code);
  return o;
}

std::string varint(uint64_t v) {
  std::string out;
  put_varint(out, v);
  return out;
}

size_t count(std::string_view text, std::string_view item) {
  size_t n = 0;
  for (size_t at = text.find(item); at != std::string::npos; at = text.find(item, at + item.size()))
    ++n;
  return n;
}

// `v` as `width` little-endian bytes (v < 2^64).
std::string le(uint64_t v, size_t width) {
  std::string out(width, '\0');
  for (size_t i = 0; i < width && i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
  return out;
}

// A String value: its length, then its bytes.
std::string text(std::string_view s) { return varint(s.size()) + std::string(s); }

Outcome row(std::string body) { return {std::move(body), nullptr}; }
Outcome dead(const char* code) { return {"", code}; }

Outcome expected(const bench::AdversarialShape& shape) {
  const std::string& name = shape.name;
  const std::string& p = shape.payload;
  const size_t zeros = count(p, "0e999999");
  if (name == "zero_e999999_int64" || name == "zero_e999999_text_int64" ||
      name == "zero_e999999_datetime64" || name == "zero_e999999_float64")
    return row(varint(zeros) + std::string(zeros * 8, '\0'));
  if (name == "zero_e999999_uint256") return row(varint(zeros) + std::string(zeros * 32, '\0'));
  if (name == "zero_e999999_decimal") return row(varint(zeros) + std::string(zeros * 16, '\0'));
  if (name == "exponent_leading_zeros") return row(le(100000, 8));          // 1e5
  if (name == "exponent_leading_zeros_negative") return row(le(1, 16));     // 1e-5, scale 5
  if (name == "fraction_zeros_then_e-999999") return row(le(0, 16));
  if (name == "fraction_zeros_then_e-999999_float") return row(le(0, 8));   // underflow: +0.0
  if (name == "fraction_zeros_then_e-999999_int") return dead("value_rejected");
  if (name == "fraction_zeros" || name == "zero_run_text") return row(le(0, 8));
  if (name == "zero_run_text_e999999") return row(le(0, 32));
  if (name == "significand_1e1000000_e-1000000") return row(le(1, 8));
  if (name == "significand_too_long" || name == "significand_too_long_float" ||
      name == "deep_arrays_as_numbers")
    return dead("value_rejected");
  if (name == "deep_arrays_as_text") return row(text(p.substr(5, p.size() - 6)));  // {"v":...}
  if (name == "deep_arrays_unknown_key" || name == "repeated_key" || name == "many_unknown_keys")
    return row(le(1, 8));
  if (name == "huge_string") return row(text(p.substr(6, p.size() - 8)));  // {"v":"..."}
  if (name == "huge_escaped_string") {
    std::string s;
    for (size_t i = count(p, "\\u00e9"); i > 0; --i) s += "\xc3\xa9";
    return row(text(s));
  }
  if (name == "map_many_keys") {
    const size_t n = count(p, "\"k\":1");
    std::string body = varint(n);
    for (size_t i = 0; i < n; ++i) body += text("k") + le(1, 1);
    return row(body);
  }
  if (name == "unclosed_arrays") return dead("invalid_json");
  ADD_FAILURE() << name << " has no expected outcome";
  return {};
}

TEST(BatchEncoderAdversarial, EveryWorstCaseShapeIsARowWithItsValueOrADeadLetter) {
  for (const auto& shape : bench::adversarial_shapes()) {
    ASSERT_LE(shape.payload.size(), kMaxPayloadBytes) << shape.name;
    const Outcome want = expected(shape);
    for (bool fast_lane : {true, false}) {
      const Outcome got = encode_one(shape, fast_lane);
      const std::string where = shape.name + (fast_lane ? " (fast lane on)" : " (general lane)");
      if (want.dead_letter != nullptr) {
        ASSERT_NE(got.dead_letter, nullptr) << where << " became a row";
        EXPECT_STREQ(got.dead_letter, want.dead_letter) << where;
      } else {
        ASSERT_EQ(got.dead_letter, nullptr) << where << " was dead-lettered: " << got.dead_letter;
        EXPECT_EQ(got.body.size(), want.body.size()) << where;
        EXPECT_TRUE(got.body == want.body)
            << where << ": " << testing::to_hex(std::string_view(got.body).substr(0, 40));
      }
    }
  }
}

}  // namespace
}  // namespace k2c
