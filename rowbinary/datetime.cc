#include "rowbinary/datetime.h"

namespace k2c {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool parse_ymd(std::string_view s, int64_t& days) {
  int y, m, d;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return false;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return false;
  days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool parse_date(std::string_view s, int64_t& days) noexcept {
  return s.size() == 10 && parse_ymd(s, days);
}

bool parse_date_time(std::string_view s, TimePoint& out) noexcept {
  int64_t days;
  if (!parse_ymd(s, days)) return false;
  out.fraction = {};
  if (s.size() == 10) {
    out.seconds = days * 86400;
    return true;
  }
  int hh, mm, ss;
  if ((s[10] != ' ' && s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, hh) || s.size() < 19 ||
      s[13] != ':' || !digits(s, 14, 2, mm) || s[16] != ':' || !digits(s, 17, 2, ss))
    return false;
  if (hh > 23 || mm > 59 || ss > 59) return false;
  size_t i = 19;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
    out.fraction = s.substr(start, i - start);
  }
  int64_t offset = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      int oh = 0, om = 0;
      if (!digits(s, i + 1, 2, oh)) return false;
      i += 3;
      if (i < s.size() && s[i] == ':') {
        if (!digits(s, i + 1, 2, om)) return false;
        i += 3;
      } else if (i + 2 <= s.size() && digits(s, i, 2, om)) {
        i += 2;
      }
      if (oh > 23 || om > 59) return false;
      offset = sign * (oh * 3600 + om * 60);
    } else {
      return false;
    }
  }
  if (i != s.size()) return false;
  out.seconds = days * 86400 + hh * 3600 + mm * 60 + ss - offset;
  return true;
}

}  // namespace k2c
