// Integer, float, decimal and bool encoders.
#include <charconv>
#include <cmath>

#include "base/bytes.h"
#include "rowbinary/encoder_families.h"
#include "rowbinary/numeric_text.h"

namespace k2c {
namespace {

void put_wide(std::string& out, const Wide& w, int bytes) {
  // Limbs are little-endian 64-bit words; RowBinary wants the low `bytes`.
  char buf[32];
  for (size_t i = 0; i < 4; ++i) std::memcpy(buf + i * 8, &w[i], 8);
  out.append(buf, static_cast<size_t>(bytes));
}

// Numbers, and strings holding numbers, go through one parse(); the value is
// shown quoted in a rejection when it came as a string. That text is built
// only on rejection, never on the hot path.
class NumericTextEncoder : public Encoder {
 public:
  using Encoder::Encoder;
  Status from_number(std::string_view text, std::string& out) const final {
    return parse(text, false, out);
  }
  Status from_string(std::string_view s, std::string& out) const final {
    return parse(s, true, out);
  }

 protected:
  virtual Status parse(std::string_view text, bool quoted, std::string& out) const = 0;
  Error reject_text(std::string_view what, std::string_view text, bool quoted) const {
    return reject(what, quoted ? "\"" + std::string(text) + "\"" : std::string(text));
  }
};

// Int8..Int256 and UInt8..UInt256: one encoder, parameterised by width.
class IntegerEncoder final : public NumericTextEncoder {
 public:
  IntegerEncoder(const TypeNode& t, int bits, bool is_signed)
      : NumericTextEncoder(t), bits_(bits), signed_(is_signed) {}

  void write_default(std::string& out) const override { out.append(static_cast<size_t>(bits_ / 8), '\0'); }

 private:
  Status parse(std::string_view text, bool quoted, std::string& out) const override {
    // Fast path: up to 18 plain digits fit an int64 without overflow checks.
    if (bits_ <= 64 && !text.empty() && text.size() <= 19) {
      size_t i = text[0] == '-' ? 1 : 0;
      size_t n = text.size() - i;
      if (n >= 1 && n <= 18) {
        int64_t v = 0;
        bool plain = true;
        for (size_t k = i; k < text.size(); ++k) {
          unsigned d = static_cast<unsigned char>(text[k]) - '0';
          if (d > 9) {
            plain = false;
            break;
          }
          v = v * 10 + d;
        }
        if (plain) {
          if (i == 1) v = -v;
          if (!in_range(v)) return reject_text("an integer in range", text, quoted);
          put_fixed(out, v);  // little-endian two's complement ...
          out.resize(out.size() - (8 - static_cast<size_t>(bits_ / 8)));  // ... low bytes only
          return ok_status();
        }
      }
    }
    NumberText n;
    if (!parse_number_text(text, n)) return reject_text("an integer", text, quoted);
    Wide magnitude, value;
    switch (scaled_magnitude(n, 0, /*truncate=*/false, 0, magnitude)) {
      case NumberStatus::fraction: return reject_text("an integer without fraction", text, quoted);
      case NumberStatus::overflow: return reject_text("an integer in range", text, quoted);
      case NumberStatus::ok: break;
    }
    if (!to_twos_complement(n.negative, magnitude, bits_, signed_, value))
      return reject_text("an integer in range", text, quoted);
    put_wide(out, value, bits_ / 8);
    return ok_status();
  }

  bool in_range(int64_t v) const {
    if (bits_ == 64) return signed_ || v >= 0;
    if (signed_) {
      int64_t lim = int64_t{1} << (bits_ - 1);
      return v >= -lim && v < lim;
    }
    return v >= 0 && v < (int64_t{1} << bits_);
  }

  int bits_;
  bool signed_;
};

template <typename T>
class FloatEncoder final : public NumericTextEncoder {
 public:
  using NumericTextEncoder::NumericTextEncoder;
  void write_default(std::string& out) const override { put_fixed(out, T{0}); }

 private:
  Status parse(std::string_view text, bool quoted, std::string& out) const override {
    // Number text only (as for the integer and decimal types): from_chars
    // alone would also take "inf", "nan", "1." and ".5" from a string.
    NumberText n;
    if (!parse_number_text(text, n)) return reject_text("a number", text, quoted);
    T v{};
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range) {
      // from_chars reports underflow like overflow; a number too small for
      // the type is still a number and rounds to (signed) zero.
      if (!underflows(n)) return reject_text("a number in range", text, quoted);
      v = n.negative ? -T{0} : T{0};
    } else if (ec != std::errc() || p != text.data() + text.size()) {
      return reject_text("a number", text, quoted);
    }
    put_fixed(out, v);
    return ok_status();
  }

  // True when |n| < 1, i.e. the out-of-range result was an underflow.
  static bool underflows(const NumberText& n) {
    std::string_view digits = n.int_digits;
    int64_t point = static_cast<int64_t>(n.int_digits.size()) + n.exponent;
    size_t first = 0;  // first non-zero digit of int_digits + frac_digits
    while (first < digits.size() && digits[first] == '0') ++first;
    if (first == digits.size()) {
      size_t k = 0;
      while (k < n.frac_digits.size() && n.frac_digits[k] == '0') ++k;
      if (k == n.frac_digits.size()) return true;  // zero
      first = digits.size() + k;
    }
    return static_cast<int64_t>(first) >= point;
  }
};

constexpr uint64_t kPow10[19] = {1ull,
                                 10ull,
                                 100ull,
                                 1000ull,
                                 10000ull,
                                 100000ull,
                                 1000000ull,
                                 10000000ull,
                                 100000000ull,
                                 1000000000ull,
                                 10000000000ull,
                                 100000000000ull,
                                 1000000000000ull,
                                 10000000000000ull,
                                 100000000000000ull,
                                 1000000000000000ull,
                                 10000000000000000ull,
                                 100000000000000000ull,
                                 1000000000000000000ull};

class DecimalEncoder final : public NumericTextEncoder {
 public:
  DecimalEncoder(const TypeNode& t, int bits) : NumericTextEncoder(t), bits_(bits), p_(t.precision), s_(t.scale) {}
  void write_default(std::string& out) const override { out.append(static_cast<size_t>(bits_ / 8), '\0'); }

 private:
  Status parse(std::string_view text, bool quoted, std::string& out) const override {
    NumberText n;
    if (!parse_number_text(text, n)) return reject_text("a decimal number", text, quoted);
    if (n.exponent == 0 && n.int_digits.size() + static_cast<size_t>(s_) <= 18) {
      // Fast path: the scaled value has at most 18 digits, so it fits an
      // int64 (and Decimal32, P <= 9, stays below 2^31): the same value
      // scaled_magnitude + to_twos_complement give, without 256-bit limbs.
      uint64_t mag = 0;
      for (char c : n.int_digits) mag = mag * 10 + static_cast<unsigned>(c - '0');
      for (size_t i = 0; i < static_cast<size_t>(s_); ++i)
        mag = mag * 10 + (i < n.frac_digits.size() ? static_cast<unsigned>(n.frac_digits[i] - '0') : 0);
      if (p_ >= 19 || mag < kPow10[p_]) {
        const int64_t v = n.negative ? -static_cast<int64_t>(mag) : static_cast<int64_t>(mag);
        const uint64_t fill = v < 0 ? ~uint64_t{0} : 0;
        put_wide(out, Wide{static_cast<uint64_t>(v), fill, fill, fill}, bits_ / 8);
        return ok_status();
      }
    }
    Wide magnitude, value;
    if (scaled_magnitude(n, s_, /*truncate=*/true, p_, magnitude) != NumberStatus::ok)
      return reject_text("at most " + std::to_string(p_ - s_) + " integer digits", text, quoted);
    if (!to_twos_complement(n.negative, magnitude, bits_, true, value))
      return reject_text("a decimal in range", text, quoted);
    put_wide(out, value, bits_ / 8);
    return ok_status();
  }
  int bits_, p_, s_;
};

class BoolEncoder final : public Encoder {
 public:
  using Encoder::Encoder;
  Status from_bool(bool b, std::string& out) const override {
    out.push_back(b ? '\1' : '\0');
    return ok_status();
  }
  Status from_number(std::string_view text, std::string& out) const override {
    if (text == "0" || text == "1") {
      out.push_back(text == "1" ? '\1' : '\0');
      return ok_status();
    }
    return reject("true, false, 0 or 1", text);
  }
  Status from_string(std::string_view s, std::string&) const override {
    return reject("true, false, 0 or 1", "\"" + std::string(s) + "\"");
  }
  void write_default(std::string& out) const override { out.push_back('\0'); }
};

}  // namespace

std::unique_ptr<Encoder> make_integer_encoder(const TypeNode& t) {
  switch (t.id) {
    case TypeId::Int8: return std::make_unique<IntegerEncoder>(t, 8, true);
    case TypeId::Int16: return std::make_unique<IntegerEncoder>(t, 16, true);
    case TypeId::Int32: return std::make_unique<IntegerEncoder>(t, 32, true);
    case TypeId::Int64: return std::make_unique<IntegerEncoder>(t, 64, true);
    case TypeId::Int128: return std::make_unique<IntegerEncoder>(t, 128, true);
    case TypeId::Int256: return std::make_unique<IntegerEncoder>(t, 256, true);
    case TypeId::UInt8: return std::make_unique<IntegerEncoder>(t, 8, false);
    case TypeId::UInt16: return std::make_unique<IntegerEncoder>(t, 16, false);
    case TypeId::UInt32: return std::make_unique<IntegerEncoder>(t, 32, false);
    case TypeId::UInt64: return std::make_unique<IntegerEncoder>(t, 64, false);
    case TypeId::UInt128: return std::make_unique<IntegerEncoder>(t, 128, false);
    default: return std::make_unique<IntegerEncoder>(t, 256, false);
  }
}

std::unique_ptr<Encoder> make_float_encoder(const TypeNode& t) {
  if (t.id == TypeId::Float32) return std::make_unique<FloatEncoder<float>>(t);
  return std::make_unique<FloatEncoder<double>>(t);
}

std::unique_ptr<Encoder> make_decimal_encoder(const TypeNode& t) {
  int bits = t.id == TypeId::Decimal32 ? 32 : t.id == TypeId::Decimal64 ? 64
             : t.id == TypeId::Decimal128 ? 128 : 256;
  return std::make_unique<DecimalEncoder>(t, bits);
}

std::unique_ptr<Encoder> make_bool_encoder(const TypeNode& t) { return std::make_unique<BoolEncoder>(t); }

}  // namespace k2c
