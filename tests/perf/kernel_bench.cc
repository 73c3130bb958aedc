// Microbenchmarks (Google Benchmark; not a test): this CPU's peak float FMA and int8 multiply-add rates, and the
// fraction of peak the fast GEMM and convolution reach. Run: build/bin/qedge_kernel_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "../support/kernel_harness.h"
#include "peak.h"
#include "qedge/cpu_fast/fast_kernels.h"
#include "qedge/cpu_fast/gemm_f32.h"
#include "qedge/cpu_fast/gemm_s16.h"

namespace qedge::perf {
namespace {

void BM_PeakFloatFma(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(peak_fma_f32(1 << 20));
  state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kPeakFmaFlopsPerCall * (1 << 20),
                                                 benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_PeakFloatFma);

void BM_PeakInt8MultiplyAdd(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(peak_madd_i8(1 << 20));
  state.counters["GOP/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kPeakMaddOpsPerCall * (1 << 20),
                                               benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_PeakInt8MultiplyAdd);

std::vector<float> random_floats(size_t n) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& e : v) e = u(rng);
  return v;
}

void BM_GemmF32(benchmark::State& state) {
  fast::GemmShape s;
  s.m = state.range(0), s.n = state.range(1), s.k = state.range(2);
  s.lda = s.k, s.ldb = s.n, s.ldc = s.n;
  const auto a = random_floats(static_cast<size_t>(s.m * s.k)), b = random_floats(static_cast<size_t>(s.k * s.n));
  std::vector<float> c(static_cast<size_t>(s.m * s.n));
  for (auto _ : state) {
    fast::gemm_f32(s, a.data(), b.data(), c.data(), false, nullptr);
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * static_cast<double>(s.m * s.n * s.k);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel(fast::gemm_f32_kernel_name());
}
BENCHMARK(BM_GemmF32)->Args({256, 256, 256})->Args({512, 512, 512})->Args({1024, 1024, 1024})->Args({64, 3136, 576});

void BM_GemmS16(benchmark::State& state) {
  fast::GemmShape s;
  s.m = state.range(0), s.n = state.range(1), s.k = state.range(2);
  s.lda = s.k, s.ldb = s.n, s.ldc = s.n;
  std::vector<int16_t> a(static_cast<size_t>(s.m * s.k), 3), b(static_cast<size_t>(s.k * s.n), -2);
  std::vector<int32_t> c(static_cast<size_t>(s.m * s.n));
  for (auto _ : state) {
    fast::gemm_s16(s, a.data(), b.data(), c.data(), nullptr);
    benchmark::ClobberMemory();
  }
  const double ops = 2.0 * static_cast<double>(s.m * s.n * s.k);
  state.counters["GOP/s"] = benchmark::Counter(ops * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate,
                                               benchmark::Counter::kIs1000);
  state.SetLabel(fast::gemm_s16_kernel_name());
}
BENCHMARK(BM_GemmS16)->Args({512, 512, 512})->Args({64, 16384, 576});

// 64 -> 64 channels, 3x3, 56x56, pad 1: reference kernel against the fast one.
void conv_bench(benchmark::State& state, bool fast_path) {
  static const KernelRegistry fast_registry = [] {
    KernelRegistry r;
    fast::register_fast_kernels(r, testing::ref_registry());
    return r;
  }();
  const auto x = testing::make_tensor<float>(DType::kFloat32, {1, 64, 56, 56}, random_floats(64 * 56 * 56));
  const auto w = testing::make_tensor<float>(DType::kFloat32, {64, 64, 3, 3}, random_floats(64 * 64 * 9));
  AttrMap attrs;
  attrs.set(ints_attr("pads", {1, 1, 1, 1}));
  for (auto _ : state) {
    auto r = testing::run_kernel(fast_path ? fast_registry : testing::ref_registry(), "Conv", attrs, {x, w}, {});
    benchmark::DoNotOptimize(r);
  }
  const double flops = 2.0 * 64 * 64 * 9 * 56 * 56;
  state.counters["GFLOP/s"] = benchmark::Counter(flops * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
void BM_ConvRef3x3(benchmark::State& state) { conv_bench(state, false); }
void BM_ConvFast3x3(benchmark::State& state) { conv_bench(state, true); }
BENCHMARK(BM_ConvRef3x3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConvFast3x3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qedge::perf

BENCHMARK_MAIN();
