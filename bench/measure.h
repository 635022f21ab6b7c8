// Timing for ./dev bench: the median time of one call over repetitions,
// and the heap allocations per call in steady state (bench/alloc_counter.h).
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include "bench/alloc_counter.h"

namespace k2c::bench {

using Clock = std::chrono::steady_clock;

struct Figure {
  double seconds = 0;          // median time of one call
  double allocs_per_call = 0;  // in steady state
};

// Median over `reps` repetitions of the time of one call; each repetition
// runs enough calls to last about `rep_seconds`.
// With a fixed call count (--calls=N, for callgrind) the run makes exactly
// 4 + reps * N calls.
inline long g_fixed_calls = 0;

inline Figure measure(const std::function<void()>& fn, int reps, double rep_seconds) {
  for (int i = 0; i < 3; ++i) fn();  // warm-up: buffers reach their steady size
  auto t0 = Clock::now();
  fn();
  double one = std::chrono::duration<double>(Clock::now() - t0).count();
  const long calls = g_fixed_calls > 0 ? g_fixed_calls
                                       : std::max(1L, static_cast<long>(rep_seconds / std::max(one, 1e-9)));
  std::vector<double> times;
  const uint64_t a0 = allocation_count();
  for (int r = 0; r < reps; ++r) {
    auto start = Clock::now();
    for (long i = 0; i < calls; ++i) fn();
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count() /
                    static_cast<double>(calls));
  }
  const uint64_t a1 = allocation_count();
  std::nth_element(times.begin(), times.begin() + reps / 2, times.end());
  return {times[static_cast<size_t>(reps / 2)],
          static_cast<double>(a1 - a0) / static_cast<double>(calls * reps)};
}

}  // namespace k2c::bench
