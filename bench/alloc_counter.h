// Counts heap allocations made by this process (global operator new is
// replaced in alloc_counter.cc, for the bench binary only). The bench reads
// the count around steady-state iterations to prove the hot path does not
// allocate per record.
#pragma once

#include <cstdint>

namespace k2c::bench {

uint64_t allocation_count() noexcept;

}  // namespace k2c::bench
