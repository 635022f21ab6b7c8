// The invocation's deadline, and network timeouts derived from it.
//
// Every network call of an invocation takes its total timeout from the time
// left, minus a reserve kept to answer the Runtime API. The time comes from
// a Clock (base/env.h), so tests move it by hand.
#pragma once

#include <cstdint>

#include "base/env.h"

namespace k2c {

inline int64_t now_epoch_ms() { return Clock::system().epoch_ms(); }

struct Deadline {
  int64_t epoch_ms = 0;  // 0 = none (e.g. at init)
  const Clock* clock = &Clock::system();

  static constexpr int64_t kReserveMs = 300;  // kept back to post the response

  int64_t remaining_ms() const { return epoch_ms == 0 ? INT64_MAX : epoch_ms - clock->epoch_ms(); }

  // Total timeout for one network call: what is left minus the reserve,
  // capped at `cap_ms`; at least 1 ms (a call past the deadline fails fast).
  long call_timeout_ms(int64_t cap_ms = 30000) const {
    int64_t left = remaining_ms() - kReserveMs;
    if (left > cap_ms) left = cap_ms;
    return left < 1 ? 1L : static_cast<long>(left);
  }
  long connect_timeout_ms() const {
    long t = call_timeout_ms(3000);
    return t;
  }
  bool expired() const { return remaining_ms() <= kReserveMs; }
};

}  // namespace k2c
