// Number text: exponents read exactly as far as any record can need, and
// bounded beyond.
#include "rowbinary/numeric_text.h"

#include <gtest/gtest.h>

#include <string>

namespace k2c {
namespace {

TEST(NumericText, ExponentIsExactPastSixDigits) {
  NumberText n;
  ASSERT_TRUE(parse_number_text("1e1000000", n));
  EXPECT_EQ(n.exponent, 1000000);
  ASSERT_TRUE(parse_number_text("1e-1048576", n));
  EXPECT_EQ(n.exponent, -1048576);
}

// A million-digit significand fits a 1 MiB record; its exponent must too.
TEST(NumericText, SeventhExponentDigitScalesAMillionDigitSignificand) {
  const std::string text = "1" + std::string(1000000, '0') + "e-1000000";
  NumberText n;
  ASSERT_TRUE(parse_number_text(text, n));
  Wide magnitude;
  ASSERT_EQ(scaled_magnitude(n, 0, /*truncate=*/false, 0, magnitude), NumberStatus::ok);
  EXPECT_EQ(magnitude, (Wide{1, 0, 0, 0}));
}

// NumberText holds views of the text: each text below outlives its use.
TEST(NumericText, ExponentLeadingZerosAreIgnored) {
  const std::string text = "1e+" + std::string(100000, '0') + "5";
  NumberText n;
  ASSERT_TRUE(parse_number_text(text, n));
  EXPECT_EQ(n.exponent, 5);
}

TEST(NumericText, HugeExponentSaturatesAndStillDecides) {
  const std::string huge = "1e" + std::string(1000, '9');
  const std::string tiny = "1e-" + std::string(1000, '9');
  NumberText n;
  Wide magnitude;
  ASSERT_TRUE(parse_number_text(huge, n));
  EXPECT_EQ(scaled_magnitude(n, 0, false, 0, magnitude), NumberStatus::overflow);
  ASSERT_TRUE(parse_number_text(tiny, n));
  EXPECT_EQ(scaled_magnitude(n, 0, false, 0, magnitude), NumberStatus::fraction);
  EXPECT_EQ(scaled_magnitude(n, 5, /*truncate=*/true, 38, magnitude), NumberStatus::ok);
  EXPECT_EQ(magnitude, (Wide{0, 0, 0, 0}));
}

TEST(NumericText, ZeroSignificandIsZeroWhateverTheExponent) {
  for (const char* text : {"0e999999", "0.000e999999", "000e+999999999", "0e-999999"}) {
    NumberText n;
    ASSERT_TRUE(parse_number_text(text, n)) << text;
    Wide magnitude{1, 1, 1, 1};
    EXPECT_EQ(scaled_magnitude(n, 0, false, 0, magnitude), NumberStatus::ok) << text;
    EXPECT_EQ(magnitude, (Wide{0, 0, 0, 0})) << text;
    EXPECT_EQ(scaled_magnitude(n, 10, true, 76, magnitude), NumberStatus::ok) << text;
    EXPECT_EQ(magnitude, (Wide{0, 0, 0, 0})) << text;
  }
}

}  // namespace
}  // namespace k2c
