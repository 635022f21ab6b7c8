// ./dev bench: event bytes -> RowBinary body on the e-commerce sample.
//
// One run prints, per batch size, MB/s of event input and records/s for:
//   k2c pipeline         EnvelopeDecoder::decode + BatchEncoder::encode (all
//                        value rules, plan built from the DESCRIBE rows);
//   envelope decode      EnvelopeDecoder::decode alone (where the time goes);
//   simdjson envelope    an ondemand walk that reads kinesis.data as a
//                        string_view per record and nothing else;
//   naive nlohmann       the same body written the straightforward way;
// with heap allocations per record in steady state and the ratios. The
// machine may be noisy: each figure is the median of repetitions.
// A second, small table: the cost of request compression (Compressor, as
// CLICKHOUSE_COMPRESSION uses it) on the pipeline's body, for batches of
// 1,000 records and more. A third: what METRICS=on adds to an invocation (the
// iterator age over the records, and building and writing the EMF line into
// a sink that drops it), with its allocations per invocation.
// Then one whole invocation (bench/invocation.cc): Function::handle against
// in-memory transports, with its allocations per invocation.
// Then the producers table (bench/producers.cc): plain JSON with and
// without the payload stage, KPL aggregates and gzip payloads.
// Then Google Benchmark's cases (bench/adversarial.cc): bytes/s of the batch
// encoder on 1 MiB worst-case records. With --benchmark_* flags (e.g.
// --benchmark_filter=adversarial) only those run.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "app/compress.h"
#include "app/config.h"
#include "app/metrics.h"
#include "base/log.h"
#include "bench/adversarial.h"
#include "bench/alloc_counter.h"
#include "bench/measure.h"
#include "bench/invocation.h"
#include "bench/naive.h"
#include "bench/producers.h"
#include "bench/schemas.h"
#include "kinesis/batch.h"
#include "kinesis/kinesis.h"

namespace k2c::bench {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The sample event of `n` orders, written by tools/make_events.py.
std::string orders_event(size_t n) {
  const std::string dir = "/tmp/k2c-bench-events-" + std::to_string(n);
  const std::string cmd = "mkdir -p " + dir + " && python3 " K2C_SOURCE_DIR
                          "/tools/make_events.py --orders " + std::to_string(n) + " --out " + dir;
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
  return read_file(dir + "/orders-batch.json");
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

struct Row {
  size_t batch;
  const char* name;
  double mb_s, records_s, allocs_per_record;
};

// Request compression of the pipeline's body: MB/s of body input, the
// compression ratio, and the time it adds per 1,000 records (also as a share
// of the pipeline's own time for the batch). Checks that each codec gives a
// non-empty result smaller than the body.
bool print_compression(const std::vector<std::pair<size_t, std::string>>& bodies,
                       const std::vector<Row>& rows, int reps, double rep_seconds,
                       const std::string& only) {
  const Compression codecs[] = {Compression::gzip, Compression::zstd, Compression::lz4};
  bool ok = true;
  bool header = false;
  for (const auto& [n, body] : bodies) {
    double pipeline_s = 0;  // seconds per batch, when the pipeline row was timed
    for (const Row& r : rows)
      if (r.batch == n && std::string_view(r.name) == "k2c pipeline")
        pipeline_s = static_cast<double>(n) / r.records_s;
    for (Compression codec : codecs) {
      const std::string name = "compress " + std::string(content_encoding(codec));
      if (!only.empty() && name.find(only) == std::string::npos) continue;
      if (!header) {
        std::printf("\n%-6s %-14s %11s %11s %7s %8s %16s %12s\n", "batch", "", "body bytes",
                    "compressed", "ratio", "MB/s", "ms/1000 records", "vs pipeline");
        header = true;
      }
      Compressor compressor(codec);
      size_t compressed = 0;
      Figure f = measure(
          [&] {
            auto r = compressor.compress(body);
            if (!r.ok()) throw std::runtime_error(r.error().message);
            compressed = r->size();
          },
          reps, rep_seconds);
      ok = ok && compressed > 0 && compressed < body.size();
      const double body_bytes = static_cast<double>(body.size());
      const double ms_per_1000 = f.seconds * 1e3 * 1000.0 / static_cast<double>(n);
      std::printf("%-6zu %-14s %11zu %11zu %6.2fx %8.0f %16.3f", n, name.c_str(), body.size(),
                  compressed, body_bytes / static_cast<double>(compressed),
                  body_bytes / f.seconds / 1e6, ms_per_1000);
      if (pipeline_s > 0) std::printf(" %11.0f%%", 100.0 * f.seconds / pipeline_s);
      std::printf("\n");
    }
  }
  return ok;
}

class DroppedLines final : public LogSink {
 public:
  void write(std::string_view line) override { bytes += line.size(); }
  size_t bytes = 0;
};

class FixedClock final : public k2c::Clock {
 public:
  int64_t epoch_ms() const override { return 1'700'000'000'000; }
  int64_t monotonic_us() const override { return 0; }
  double process_cpu_ms() const override { return 0; }
  void sleep_ms(int64_t) override {}
};

// The metrics' share of an invocation: per batch of the sample, the time of
// the iterator age (the one per-record step) and of the EMF line, each with
// its allocations per invocation once the buffers have grown.
void print_metrics_cost(const std::vector<std::pair<size_t, std::string>>& events,
                        const std::vector<Row>& rows, int reps, double rep_seconds) {
  auto config = Config::from_env({{"CLICKHOUSE_URL", "http://127.0.0.1:1"},
                                  {"ROUTES_TABLE", "routes"},
                                  {"AWS_REGION", "eu-west-1"},
                                  {"AWS_ACCESS_KEY_ID", "bench"},
                                  {"AWS_SECRET_ACCESS_KEY", "bench"},
                                  {"AWS_LAMBDA_FUNCTION_NAME", "k2c-bench"}});
  if (!config.ok()) throw std::runtime_error(config.error().message);
  std::printf("\n%-6s %-16s %12s %14s %12s\n", "batch", "METRICS=on", "us/invocation",
              "allocs/invoc.", "vs pipeline");
  for (const auto& [n, event] : events) {
    double pipeline_s = 0;
    for (const Row& r : rows)
      if (r.batch == n && std::string_view(r.name) == "k2c pipeline")
        pipeline_s = static_cast<double>(n) / r.records_s;
    EnvelopeDecoder decoder;
    auto records = decoder.decode(event, event.capacity());
    if (!records.ok()) throw std::runtime_error(records.error().message);
    InvocationReport report(*config);
    FixedClock clock;
    DroppedLines sink;
    Logger log(sink, clock, LogFormat::json, LogLevel::info);
    auto age = [&] {
      report.stats().reset("bench-request", clock.epoch_ms(), event.size());
      report.stats().measure_iterator_age(*records);
    };
    auto line = [&] {
      InvocationStats& s = report.stats();
      s.reset("bench-request", clock.epoch_ms(), event.size());
      s.records = static_cast<uint32_t>(n);
      TableStats& t = s.add_table("arn:aws:kinesis:eu-west-1:123456789012:stream/orders",
                                  static_cast<uint32_t>(n));
      t.table = "default.orders";
      t.rows = static_cast<uint32_t>(n);
      t.bytes_sent = n * 200;
      s.duration_ms = 12.5;
      s.cpu_ms = 3.25;
      report.emit(clock.epoch_ms(), log, sink);
    };
    const std::pair<const char*, std::function<void()>> cases[] = {{"iterator age", age},
                                                                   {"EMF line", line}};
    for (const auto& [name, fn] : cases) {
      Figure f = measure(fn, reps, rep_seconds);
      std::printf("%-6zu %-16s %12.2f %14.3f", n, name, f.seconds * 1e6, f.allocs_per_call);
      if (pipeline_s > 0) std::printf(" %11.2f%%", 100.0 * f.seconds / pipeline_s);
      std::printf("\n");
    }
  }
}

int run(int reps, double rep_seconds, const std::vector<size_t>& sizes, const std::string& only) {
  const auto columns = orders_columns();
  auto plan = TablePlan::build(columns);
  if (!plan.ok()) {
    std::fprintf(stderr, "plan: %s\n", plan.error().message.c_str());
    return 1;
  }
  std::printf("CPU: %s; %u online cores; median of %d repetitions of ~%.2f s each\n",
              cpu_model().c_str(), std::thread::hardware_concurrency(), reps, rep_seconds);
  std::printf("simdjson implementation: %s\n\n",
              simdjson::get_active_implementation()->name().c_str());

  std::vector<Row> rows;
  bool all_ok = true;
  std::vector<std::pair<size_t, std::string>> bodies;  // (batch, body) for the compression table
  std::vector<std::pair<size_t, std::string>> events;  // (batch, event) for the metrics table
  for (size_t n : sizes) {
    // As the runtime receives it: a buffer with SIMDJSON_PADDING spare bytes
    // (http/http.cc keeps them), so the decoder parses it in place.
    std::string event = orders_event(n);
    event.reserve(event.size() + simdjson::SIMDJSON_PADDING);
    const double bytes = static_cast<double>(event.size());

    EnvelopeDecoder decoder;
    BatchEncoder encoder;
    EncodedBatch out;
    std::vector<uint32_t> which(n);
    std::iota(which.begin(), which.end(), 0u);
    auto pipeline = [&] {
      auto records = decoder.decode(event, event.capacity());
      if (!records.ok()) throw std::runtime_error(records.error().message);
      encoder.encode(*records, which, *plan, /*with_defaults=*/false, out);
    };
    const uint64_t fast_before = encoder.fast_lane_rows();
    pipeline();
    const uint64_t fast_rows = encoder.fast_lane_rows() - fast_before;
    if (out.rows.size() != n || !out.dead_letters.empty()) {
      std::fprintf(stderr, "batch %zu: %zu rows, %zu dead letters (first: %s)\n", n, out.rows.size(),
                   out.dead_letters.size(),
                   out.dead_letters.empty() ? "" : out.dead_letters[0].message.c_str());
      return 1;
    }
    if (n >= 1000) bodies.emplace_back(n, out.body);
    events.emplace_back(n, event);
    events.back().second.reserve(event.capacity());
    const std::string naive_body = naive_encode(event, columns);
    const bool identical = naive_body == out.body;
    all_ok = all_ok && identical;
    std::printf(
        "batch %5zu: event %zu bytes (%.0f B/record), body %zu bytes, naive body %s, fast lane %.0f%% of rows\n",
        n, event.size(), bytes / static_cast<double>(n), out.body.size(),
        identical ? "identical" : "DIFFERS", 100.0 * static_cast<double>(fast_rows) / static_cast<double>(n));

    auto envelope = [&] {
      auto records = decoder.decode(event, event.capacity());
      if (!records.ok() || records->size() != n) throw std::runtime_error("envelope");
    };

    simdjson::ondemand::parser parser;
    const simdjson::padded_string padded(event);
    size_t sink = 0;
    auto simdjson_walk = [&] {
      simdjson::ondemand::document doc;
      if (parser.iterate(padded).get(doc)) throw std::runtime_error("simdjson");
      for (auto record : doc["Records"]) {
        std::string_view data;
        if (record["kinesis"]["data"].get_string().get(data)) throw std::runtime_error("data");
        sink += data.size();
      }
    };
    auto naive = [&] { sink += naive_encode(event, columns).size(); };

    const std::pair<const char*, std::function<void()>> cases[] = {
        {"k2c pipeline", pipeline},
        {"  envelope decode only", envelope},
        {"simdjson envelope walk", simdjson_walk},
        {"naive nlohmann", naive},
    };
    for (const auto& [name, fn] : cases) {
      // --only=k2c: profile one case alone (perf record, callgrind).
      if (!only.empty() && std::string_view(name).find(only) == std::string_view::npos) continue;
      Figure f = measure(fn, reps, rep_seconds);
      rows.push_back({n, name, bytes / f.seconds / 1e6, static_cast<double>(n) / f.seconds,
                      f.allocs_per_call / static_cast<double>(n)});
    }
    if (sink == 42) std::printf(" ");
  }

  std::printf("\n%-6s %-24s %10s %12s %14s\n", "batch", "", "MB/s", "records/s", "allocs/record");
  for (const Row& r : rows)
    std::printf("%-6zu %-24s %10.0f %12.0f %14.3f\n", r.batch, r.name, r.mb_s, r.records_s,
                r.allocs_per_record);
  std::printf("\n%-6s %22s %22s %10s %10s\n", "batch", "pipeline/envelope-walk", "pipeline/naive",
              ">=2.5GB/s", ">=0.5x");
  for (size_t i = 0; only.empty() && i + 3 < rows.size(); i += 4) {
    const double p = rows[i].mb_s, walk = rows[i + 2].mb_s, naive = rows[i + 3].mb_s;
    std::printf("%-6zu %22.2f %22.1f %10s %10s\n", rows[i].batch, p / walk, p / naive,
                p >= 2500 ? "met" : "missed", p >= 0.5 * walk ? "met" : "missed");
  }
  const bool compression_ok = print_compression(bodies, rows, reps, rep_seconds, only);
  if (only.empty() || std::string_view("metrics").find(only) != std::string_view::npos)
    print_metrics_cost(events, rows, reps, rep_seconds);
  bool producers_ok = true;
  if (only.empty() || only == "invocation") print_invocation(orders_event(1000), 1000, reps, rep_seconds);
  if (only.empty()) producers_ok = print_producers(orders_event(1000), reps, rep_seconds);
  return compression_ok && producers_ok && all_ok ? 0 : 1;
}

}  // namespace
}  // namespace k2c::bench

int main(int argc, char** argv) {
  int reps = 15;
  double rep_seconds = 0.2;
  std::vector<size_t> sizes = {100, 1000, 5000};
  std::string only;
  std::vector<char*> gbench_args = {argv[0]};  // Google Benchmark's own flags
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--benchmark_", 0) == 0) {
      gbench_args.push_back(argv[i]);
    } else if (a == "--quick") {
      reps = 3;
      rep_seconds = 0.05;
    } else if (a.rfind("--reps=", 0) == 0) {
      reps = std::max(1, std::atoi(a.c_str() + 7));
    } else if (a.rfind("--calls=", 0) == 0) {
      k2c::bench::g_fixed_calls = std::atol(a.c_str() + 8);
    } else if (a.rfind("--only=", 0) == 0) {
      only = a.substr(7);
    } else if (a.rfind("--sizes=", 0) == 0) {
      sizes.clear();
      std::stringstream ss(a.substr(8));
      std::string item;
      while (std::getline(ss, item, ',')) sizes.push_back(std::stoul(item));
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--reps=N] [--sizes=100,1000,5000] [--only=NAME] [--calls=N] [--benchmark_...]\n", argv[0]);
      return 2;
    }
  }
  try {
    int rc = 0;
    if (gbench_args.size() == 1) rc = k2c::bench::run(reps, rep_seconds, sizes, only);
    // Not with --only or --calls: those profile one case of the tables.
    if (only.empty() && k2c::bench::g_fixed_calls == 0) {
      k2c::bench::register_adversarial_benchmarks();
      int gbench_argc = static_cast<int>(gbench_args.size());
      benchmark::Initialize(&gbench_argc, gbench_args.data());
      std::printf("\n");
      benchmark::RunSpecifiedBenchmarks();
      benchmark::Shutdown();
    }
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench: %s\n", e.what());
    return 1;
  }
}
