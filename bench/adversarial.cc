// Google Benchmark cases: the batch encoder on each worst-case shape of
// bench/adversarial.h, one 1 MiB record per iteration (base64 decode, both
// lanes, every pass), reported as bytes/s of payload. The slowest shape is
// the worst case per MiB: what one record can cost a shard.
//
//   build/bench/k2c_bench --benchmark_filter=adversarial
#include <benchmark/benchmark.h>

#include <stdexcept>

#include "bench/adversarial.h"
#include "tests/support/base64_encode.h"

namespace k2c::bench {
namespace {

void run_shape(benchmark::State& state, const AdversarialShape& shape) {
  auto plan = TablePlan::build({{"v", shape.type, "", ""}});
  if (!plan.ok()) throw std::runtime_error(shape.name + ": " + plan.error().message);
  const std::string data = testing::base64_encode(shape.payload);
  KinesisRecord record;
  record.data_base64 = data;
  const uint32_t which[] = {0};
  BatchEncoder encoder;
  EncodedBatch out;
  for (auto _ : state) {
    encoder.encode({&record, 1}, which, *plan, /*with_defaults=*/false, out);
    benchmark::DoNotOptimize(out.body.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(shape.payload.size()));
  state.SetLabel(out.rows.empty() ? "dead letter" : "row");
}

}  // namespace

void register_adversarial_benchmarks() {
  for (auto& shape : adversarial_shapes()) {
    benchmark::RegisterBenchmark(("adversarial/" + shape.name).c_str(),
                                 [shape](benchmark::State& state) { run_shape(state, shape); })
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace k2c::bench
