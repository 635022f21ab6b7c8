// String, FixedString, UUID, IPv4/IPv6 and Enum encoders.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/text.h"
#include "rowbinary/encoder_families.h"
#include "rowbinary/numeric_text.h"

namespace k2c {
namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// String takes any JSON value: strings unescaped, everything else as its
// JSON text exactly as written (without surrounding whitespace).
class StringEncoder final : public Encoder {
 public:
  using Encoder::Encoder;
  Status from_string(std::string_view s, std::string& out) const override {
    put_string(out, s);
    return ok_status();
  }
  Status from_number(std::string_view text, std::string& out) const override {
    put_string(out, text);
    return ok_status();
  }
  Status from_bool(bool b, std::string& out) const override {
    put_string(out, b ? "true" : "false");
    return ok_status();
  }
  Status from_array(simdjson::ondemand::array a, std::string& out) const override {
    std::string_view raw;
    if (auto e = a.raw_json().get(raw)) return invalid_json(e);
    put_string(out, trim_trailing_ws(raw));
    return ok_status();
  }
  Status from_object(simdjson::ondemand::object o, std::string& out) const override {
    std::string_view raw;
    if (auto e = o.raw_json().get(raw)) return invalid_json(e);
    put_string(out, trim_trailing_ws(raw));
    return ok_status();
  }
  void write_default(std::string& out) const override { out.push_back('\0'); }
};

class FixedStringEncoder final : public Encoder {
 public:
  explicit FixedStringEncoder(const TypeNode& t) : Encoder(t), n_(t.size) {}
  Status from_string(std::string_view s, std::string& out) const override {
    if (s.size() > n_) return reject("at most " + std::to_string(n_) + " bytes", quoted(s));
    out.append(s.data(), s.size());
    out.append(n_ - s.size(), '\0');
    return ok_status();
  }
  void write_default(std::string& out) const override { out.append(n_, '\0'); }

 private:
  size_t n_;
};

constexpr std::array<uint8_t, 256> make_hex_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 0xff;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uint8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = static_cast<uint8_t>(10 + i);
    t['A' + i] = static_cast<uint8_t>(10 + i);
  }
  return t;
}
constexpr std::array<uint8_t, 256> kHexValue = make_hex_table();

// UUID: RowBinary writes the high 64 bits then the low 64 bits, each
// little-endian (ClickHouse stores UUID as a UInt128 of two UInt64 halves).
class UuidEncoder final : public Encoder {
 public:
  using Encoder::Encoder;
  Status from_string(std::string_view s, std::string& out) const override {
    if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
      return reject("a UUID (8-4-4-4-12 hex)", quoted(s));
    // Table lookups without a branch per digit: random hex defeats the
    // branch predictor. A non-hex digit sets bit 7 of `bad`.
    static constexpr uint8_t kDigits[32] = {0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11,
                                            12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25,
                                            26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
    uint64_t halves[2] = {0, 0};
    uint8_t bad = 0;
    for (int h = 0; h < 2; ++h) {
      uint64_t v = 0;
      for (int i = 0; i < 16; ++i) {
        const uint8_t d = kHexValue[static_cast<unsigned char>(s[kDigits[h * 16 + i]])];
        bad |= d;
        v = (v << 4) | (d & 0x0f);
      }
      halves[h] = v;
    }
    if (bad & 0x80) return reject("a UUID (8-4-4-4-12 hex)", quoted(s));
    put_fixed(out, halves[0]);
    put_fixed(out, halves[1]);
    return ok_status();
  }
  void write_default(std::string& out) const override { out.append(16, '\0'); }
};

// Dotted-quad IPv4 text: four decimal parts 0..255, no leading zeros.
bool parse_ipv4(std::string_view s, uint32_t& out) {
  uint32_t value = 0;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    size_t start = i;
    unsigned v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + static_cast<unsigned>(s[i++] - '0');
    if (i == start || v > 255 || (i - start > 1 && s[start] == '0')) return false;
    value = (value << 8) | v;
  }
  if (i != s.size()) return false;
  out = value;
  return true;
}

class IPv4Encoder final : public Encoder {
 public:
  using Encoder::Encoder;
  Status from_string(std::string_view s, std::string& out) const override {
    uint32_t v;
    if (!parse_ipv4(s, v)) return reject("an IPv4 address", quoted(s));
    put_fixed(out, v);  // UInt32, little-endian
    return ok_status();
  }
  void write_default(std::string& out) const override { out.append(4, '\0'); }
};

class IPv6Encoder final : public Encoder {
 public:
  using Encoder::Encoder;
  Status from_string(std::string_view s, std::string& out) const override {
    unsigned char bytes[16] = {0};
    uint32_t v4;
    if (parse_ipv4(s, v4)) {  // IPv4 text -> IPv4-mapped ::ffff:a.b.c.d
      bytes[10] = bytes[11] = 0xff;
      bytes[12] = static_cast<unsigned char>(v4 >> 24);
      bytes[13] = static_cast<unsigned char>(v4 >> 16);
      bytes[14] = static_cast<unsigned char>(v4 >> 8);
      bytes[15] = static_cast<unsigned char>(v4);
    } else {
      // inet_pton stops at a NUL: "::1\u0000junk" must not pass as ::1.
      char buf[64];
      if (s.size() >= sizeof(buf) || s.find('\0') != std::string_view::npos)
        return reject("an IPv6 address", quoted(s));
      std::memcpy(buf, s.data(), s.size());
      buf[s.size()] = '\0';
      if (inet_pton(AF_INET6, buf, bytes) != 1) return reject("an IPv6 address", quoted(s));
    }
    out.append(reinterpret_cast<const char*>(bytes), 16);  // network byte order
    return ok_status();
  }
  void write_default(std::string& out) const override { out.append(16, '\0'); }
};

// Enum8/16: RowBinary carries the number and the server does not check it,
// so only defined names and numbers pass.
class EnumEncoder final : public Encoder {
 public:
  explicit EnumEncoder(const TypeNode& t)
      : Encoder(t), values_(t.enum_values), wide_(t.id == TypeId::Enum16) {
    default_ = values_.empty() ? 0 : values_[0].second;
    for (const auto& [name, v] : values_) default_ = std::min(default_, v);
  }
  Status from_string(std::string_view s, std::string& out) const override {
    for (const auto& [name, v] : values_) {
      if (name == s) {
        put(out, v);
        return ok_status();
      }
    }
    return reject("one of the Enum's names", quoted(s));
  }
  Status from_number(std::string_view text, std::string& out) const override {
    NumberText n;
    Wide mag;
    if (parse_number_text(text, n) &&
        scaled_magnitude(n, 0, false, 6, mag) == NumberStatus::ok) {
      int64_t v = static_cast<int64_t>(mag[0]) * (n.negative ? -1 : 1);
      for (const auto& [name, value] : values_) {
        if (value == v) {
          put(out, value);
          return ok_status();
        }
      }
    }
    return reject("one of the Enum's values", text);
  }
  void write_default(std::string& out) const override { put(out, default_); }

 private:
  void put(std::string& out, int16_t v) const {
    if (wide_) put_fixed(out, v);
    else put_fixed(out, static_cast<int8_t>(v));
  }
  std::vector<std::pair<std::string, int16_t>> values_;
  bool wide_;
  int16_t default_ = 0;
};

}  // namespace

std::unique_ptr<Encoder> make_string_encoder(const TypeNode& t) {
  if (t.id == TypeId::FixedString) return std::make_unique<FixedStringEncoder>(t);
  return std::make_unique<StringEncoder>(t);
}
std::unique_ptr<Encoder> make_uuid_encoder(const TypeNode& t) { return std::make_unique<UuidEncoder>(t); }
std::unique_ptr<Encoder> make_ip_encoder(const TypeNode& t) {
  if (t.id == TypeId::IPv4) return std::make_unique<IPv4Encoder>(t);
  return std::make_unique<IPv6Encoder>(t);
}
std::unique_ptr<Encoder> make_enum_encoder(const TypeNode& t) { return std::make_unique<EnumEncoder>(t); }

}  // namespace k2c
