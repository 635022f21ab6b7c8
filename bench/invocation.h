// ./dev bench: one whole invocation, Function::handle with the clients, the
// route cache, the plan cache, the dead-letter logic, the metrics line and
// the answer, against in-memory transports (no network): time per 1,000
// records and heap allocations per invocation in steady state, the body's
// own copy taken out. What the socket costs is in the end-to-end and
// side-by-side benches.
#pragma once

#include <cstddef>
#include <string>

namespace k2c::bench {

void print_invocation(const std::string& orders_event, size_t records, int reps, double rep_seconds);

}  // namespace k2c::bench
