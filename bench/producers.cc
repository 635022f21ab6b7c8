#include "bench/producers.h"

#include <simdjson.h>

#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "bench/measure.h"
#include "bench/schemas.h"
#include "kinesis/base64.h"
#include "kinesis/batch.h"
#include "kinesis/kinesis.h"
#include "tests/support/base64_encode.h"
#include "tests/support/producers.h"

namespace k2c::bench {
namespace {

// A KPL aggregate of `users`, all under one partition key.
std::string aggregate(const std::vector<std::string>& users) {
  std::vector<std::pair<std::string, std::string>> with_keys;
  for (const auto& u : users) with_keys.emplace_back("customer", u);
  return testing::kpl_aggregate(with_keys);
}

std::string gzip(std::string_view in) { return testing::gzipped(in); }

std::string event_of(const std::vector<std::string>& datas) {
  std::string e = "{\"Records\":[";
  for (size_t i = 0; i < datas.size(); ++i) {
    if (i) e += ",";
    e += "{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"p\",\"sequenceNumber\":\"4959" +
         std::to_string(100000 + i) + "\",\"data\":\"" + testing::base64_encode(datas[i]) +
         "\",\"approximateArrivalTimestamp\":1714564800.5},\"eventSource\":\"aws:kinesis\","
         "\"eventID\":\"shardId-000000000001:4959" + std::to_string(100000 + i) +
         "\",\"eventSourceARN\":\"arn:aws:kinesis:eu-west-1:1:stream/orders\"}";
  }
  return e + "]}";
}

}  // namespace

bool print_producers(const std::string& orders_event, int reps, double rep_seconds) {
  auto plan = TablePlan::build(orders_columns());
  if (!plan.ok()) return false;
  // The 1,000 orders payloads of the main table's event.
  std::vector<std::string> payloads;
  {
    EnvelopeDecoder dec;
    auto records = dec.decode(orders_event);
    if (!records.ok()) return false;
    std::string buf;
    for (const auto& r : *records) {
      size_t n = 0;
      if (!base64_decode(r.data_base64, buf, 0, n)) return false;
      payloads.emplace_back(buf.data(), n);
    }
  }
  std::vector<std::string> kpl, gz;
  for (size_t i = 0; i < payloads.size(); i += 100)
    kpl.push_back(aggregate({payloads.begin() + static_cast<long>(i),
                             payloads.begin() + static_cast<long>(std::min(i + 100, payloads.size()))}));
  for (const auto& p : payloads) gz.push_back(gzip(p));

  struct Case {
    const char* name;
    std::string event;
    bool skip_stage;
  };
  Case cases[] = {{"plain JSON, no payload stage", orders_event, true},
                  {"plain JSON", orders_event, false},
                  {"KPL, 100 per aggregate", event_of(kpl), false},
                  {"gzip per record", event_of(gz), false}};
  std::printf("\n%-32s %12s %10s %16s %16s\n", "producers (1,000 orders)", "event bytes", "MB/s",
              "user records/s", "allocs/record");
  bool ok = true;
  for (Case& c : cases) {
    c.event.reserve(c.event.size() + simdjson::SIMDJSON_PADDING);
    EnvelopeDecoder decoder;
    BatchEncoder encoder;
    EncodedBatch out;
    EncodeOptions options;
    options.skip_payload_stage = c.skip_stage;
    std::vector<uint32_t> which;
    auto run = [&] {
      auto records = decoder.decode(c.event, c.event.capacity());
      if (!records.ok()) throw std::runtime_error(records.error().message);
      which.resize(records->size());
      std::iota(which.begin(), which.end(), 0u);
      encoder.encode(*records, which, *plan, false, out, options);
    };
    run();
    ok = ok && out.rows.size() == payloads.size() && out.dead_letters.empty();
    const Figure f = measure(run, reps, rep_seconds);
    const double users = static_cast<double>(payloads.size());
    std::printf("%-32s %12zu %10.0f %16.0f %16.3f%s\n", c.name, c.event.size(),
                static_cast<double>(c.event.size()) / f.seconds / 1e6, users / f.seconds,
                f.allocs_per_call / users, out.rows.size() == payloads.size() ? "" : "  (rows missing)");
  }
  return ok;
}

}  // namespace k2c::bench
