#include "bench/producers.h"

#include <openssl/evp.h>
#include <simdjson.h>
#include <zlib.h>

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

namespace k2c::bench {
namespace {

void varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void field(std::string& out, int number, std::string_view bytes) {
  varint(out, static_cast<uint64_t>(number) << 3 | 2);
  varint(out, bytes.size());
  out += bytes;
}

// A KPL aggregate, as the Kinesis Producer Library frames it.
std::string aggregate(const std::vector<std::string>& users) {
  std::string m;
  field(m, 1, "customer");
  for (const auto& u : users) {
    std::string r;
    varint(r, 1 << 3);
    varint(r, 0);
    field(r, 3, u);
    field(m, 3, r);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(m.data(), m.size(), md, &n, EVP_md5(), nullptr);
  return std::string("\xF3\x89\x9A\xC2", 4) + m + std::string(reinterpret_cast<char*>(md), n);
}

std::string gzip(std::string_view in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

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
