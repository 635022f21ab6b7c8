// Hand-rolled date and time parsing (no strptime, no locale, no time zone
// database): the formats of SPEC §4, always resolved to UTC.
//
//   date:      YYYY-MM-DD
//   date-time: YYYY-MM-DD[ T]hh:mm:ss[.fraction][Z|±hh:mm|±hhmm|±hh], or a
//              bare date (midnight). Naive text is UTC; an offset is applied.
#pragma once

#include <cstdint>
#include <string_view>

namespace k2c {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept;

bool parse_date(std::string_view s, int64_t& days) noexcept;

struct TimePoint {
  int64_t seconds = 0;        // since the Unix epoch, UTC (floor)
  std::string_view fraction;  // the fraction digits as written, "" when none
};

bool parse_date_time(std::string_view s, TimePoint& out) noexcept;

}  // namespace k2c
