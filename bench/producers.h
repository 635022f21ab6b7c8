// ./dev bench: what the payload stage (kinesis/payloads.h) costs, on the
// e-commerce orders of the main table, as real producers send them: plain
// JSON with and without the stage (same run: the stage is skipped by
// EncodeOptions::skip_payload_stage), KPL aggregates of 100 user records,
// and gzip payloads. Prints MB/s of event input, user records/s and heap
// allocations per user record.
#pragma once

#include <string>

namespace k2c::bench {

// `orders_event` is the main table's 1,000-record event. Returns false when
// a case does not encode every user record as a row.
bool print_producers(const std::string& orders_event, int reps, double rep_seconds);

}  // namespace k2c::bench
