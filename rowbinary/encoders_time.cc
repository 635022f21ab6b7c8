// Date, Date32, DateTime and DateTime64 encoders. All text is resolved to
// UTC by the hand-written parsers of datetime.h; the column's time zone only
// affects how the server displays values, not what RowBinary carries.
#include "base/bytes.h"
#include "rowbinary/datetime.h"
#include "rowbinary/encoder_families.h"
#include "rowbinary/numeric_text.h"

namespace k2c {
namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Documented ranges (ClickHouse docs, "Date", "Date32", "DateTime", "DateTime64").
constexpr int64_t kDateMaxDays = 65535;                       // 2149-06-06
const int64_t kDate32MinDays = days_from_civil(1900, 1, 1);   // 1900-01-01
const int64_t kDate32MaxDays = days_from_civil(2299, 12, 31); // 2299-12-31
constexpr int64_t kDateTimeMax = 4294967295;                  // 2106-02-07 06:28:15
const int64_t kDateTime64MinSeconds = days_from_civil(1900, 1, 1) * 86400;
const int64_t kDateTime64MaxSeconds = days_from_civil(2300, 1, 1) * 86400 - 1;

constexpr int64_t kPow10[] = {1,         10,         100,         1000,        10000,
                              100000,    1000000,    10000000,    100000000,   1000000000};

class DateEncoder final : public Encoder {
 public:
  explicit DateEncoder(const TypeNode& t) : Encoder(t), date32_(t.id == TypeId::Date32) {}
  Status from_string(std::string_view s, std::string& out) const override {
    int64_t days;
    if (!parse_date(s, days)) return reject("a date YYYY-MM-DD", quoted(s));
    if (date32_) {
      if (days < kDate32MinDays || days > kDate32MaxDays)
        return reject("a date from 1900-01-01 to 2299-12-31", quoted(s));
      put_fixed(out, static_cast<int32_t>(days));
    } else {
      if (days < 0 || days > kDateMaxDays)
        return reject("a date from 1970-01-01 to 2149-06-06", quoted(s));
      put_fixed(out, static_cast<uint16_t>(days));
    }
    return ok_status();
  }
  void write_default(std::string& out) const override { out.append(date32_ ? 4 : 2, '\0'); }

 private:
  bool date32_;
};

class DateTimeEncoder final : public Encoder {
 public:
  using Encoder::Encoder;
  Status from_string(std::string_view s, std::string& out) const override {
    TimePoint tp;
    if (!parse_date_time(s, tp)) return reject("a date-time", quoted(s));
    if (tp.seconds < 0 || tp.seconds > kDateTimeMax)
      return reject("a date-time from 1970-01-01 00:00:00 to 2106-02-07 06:28:15", quoted(s));
    put_fixed(out, static_cast<uint32_t>(tp.seconds));
    return ok_status();
  }
  Status from_number(std::string_view text, std::string& out) const override {
    NumberText n;
    Wide mag{};
    if (!parse_number_text(text, n)) return reject("Unix seconds", text);
    if (n.exponent == 0 && n.int_digits.size() <= 18) {
      // The integer part alone, as scaled_magnitude truncates it, without
      // 256-bit arithmetic (Kinesis arrival times come this way).
      for (char c : n.int_digits) mag[0] = mag[0] * 10 + static_cast<unsigned>(c - '0');
    } else if (scaled_magnitude(n, 0, /*truncate=*/true, 0, mag) != NumberStatus::ok) {
      return reject("Unix seconds", text);
    }
    // Any negative value, even -0.5 (which truncates to 0), is before the epoch.
    bool negative = n.negative && (n.int_digits.find_first_not_of('0') != std::string_view::npos ||
                                   n.frac_digits.find_first_not_of('0') != std::string_view::npos);
    if (negative || mag[1] | mag[2] | mag[3] || mag[0] > kDateTimeMax)
      return reject("Unix seconds from 0 to 4294967295", text);
    put_fixed(out, static_cast<uint32_t>(mag[0]));
    return ok_status();
  }
  void write_default(std::string& out) const override { out.append(4, '\0'); }
};

class DateTime64Encoder final : public Encoder {
 public:
  explicit DateTime64Encoder(const TypeNode& t) : Encoder(t), p_(t.precision) {}
  Status from_string(std::string_view s, std::string& out) const override {
    TimePoint tp;
    if (!parse_date_time(s, tp)) return reject("a date-time", quoted(s));
    int64_t frac = 0;
    for (int i = 0; i < p_; ++i) {
      size_t k = static_cast<size_t>(i);
      frac = frac * 10 + (k < tp.fraction.size() ? tp.fraction[k] - '0' : 0);
    }
    return put(tp.seconds, static_cast<__int128>(tp.seconds) * kPow10[p_] + frac, quoted(s), out);
  }
  Status from_number(std::string_view text, std::string& out) const override {
    NumberText n;
    Wide mag;
    if (!parse_number_text(text, n) ||
        scaled_magnitude(n, p_, /*truncate=*/true, 0, mag) != NumberStatus::ok ||
        (mag[1] | mag[2] | mag[3]) != 0 || mag[0] > static_cast<uint64_t>(INT64_MAX))
      return reject("Unix seconds in range", text);
    __int128 ticks = static_cast<__int128>(mag[0]) * (n.negative ? -1 : 1);
    int64_t seconds = static_cast<int64_t>(ticks / kPow10[p_]);
    if (ticks < 0 && ticks % kPow10[p_] != 0) --seconds;  // floor, for the range check
    return put(seconds, ticks, text, out);
  }
  void write_default(std::string& out) const override { out.append(8, '\0'); }

 private:
  Status put(int64_t seconds, __int128 ticks, std::string_view shown, std::string& out) const {
    if (seconds < kDateTime64MinSeconds || seconds > kDateTime64MaxSeconds || ticks > INT64_MAX ||
        ticks < INT64_MIN)
      return reject("a date-time from 1900-01-01 to 2299-12-31", shown);
    put_fixed(out, static_cast<int64_t>(ticks));
    return ok_status();
  }
  int p_;
};

}  // namespace

std::unique_ptr<Encoder> make_time_encoder(const TypeNode& t) {
  switch (t.id) {
    case TypeId::Date: case TypeId::Date32: return std::make_unique<DateEncoder>(t);
    case TypeId::DateTime: return std::make_unique<DateTimeEncoder>(t);
    default: return std::make_unique<DateTime64Encoder>(t);
  }
}

}  // namespace k2c
