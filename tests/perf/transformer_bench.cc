// Microbenchmarks of the transformer row kernels (part of qedge_kernel_bench): the portable and the AVX2+FMA versions
// of a Softmax row, a LayerNormalization row and Gelu, in values per second. Run:
// build/bin/qedge_kernel_bench --benchmark_filter='Softmax|LayerNorm|Gelu'
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "transformer/row_kernels.h"

namespace qedge::perf {
namespace {

std::vector<float> random_row(int64_t n) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-4.0f, 4.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& e : v) e = u(rng);
  return v;
}

void set_rate(benchmark::State& state, int64_t n) {
  state.counters["values/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(n),
                                                  benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}

// Softmax rows and Gelu: y = f(x) over n values.
void values_bench(benchmark::State& state, void (*row)(const float*, float*, int64_t)) {
  const int64_t n = state.range(0);
  const auto x = random_row(n);
  std::vector<float> y(x.size());
  for (auto _ : state) {
    row(x.data(), y.data(), n);
    benchmark::DoNotOptimize(y.data());
  }
  set_rate(state, n);
}

void layer_norm_bench(benchmark::State& state, fast::LayerNormRowFn row) {
  const int64_t n = state.range(0);
  const auto x = random_row(n), scale = random_row(n), bias = random_row(n);
  std::vector<float> y(x.size());
  for (auto _ : state) {
    row(x.data(), y.data(), n, scale.data(), bias.data(), 1e-5f);
    benchmark::DoNotOptimize(y.data());
  }
  set_rate(state, n);
}

void BM_SoftmaxRowScalar(benchmark::State& s) { values_bench(s, fast::softmax_row_scalar); }
void BM_SoftmaxRowAvx2(benchmark::State& s) { values_bench(s, fast::softmax_row_avx2_fma); }
void BM_LayerNormRowScalar(benchmark::State& s) { layer_norm_bench(s, fast::layer_norm_row_scalar); }
void BM_LayerNormRowAvx2(benchmark::State& s) { layer_norm_bench(s, fast::layer_norm_row_avx2_fma); }
void BM_GeluErfScalar(benchmark::State& s) { values_bench(s, fast::gelu_erf_scalar); }
void BM_GeluErfAvx2(benchmark::State& s) { values_bench(s, fast::gelu_erf_avx2_fma); }
void BM_GeluTanhScalar(benchmark::State& s) { values_bench(s, fast::gelu_tanh_scalar); }
void BM_GeluTanhAvx2(benchmark::State& s) { values_bench(s, fast::gelu_tanh_avx2_fma); }

// Rows of the 2-layer encoder (64 keys, 128 features) and of BERT-base (384 keys, 768 features).
BENCHMARK(BM_SoftmaxRowScalar)->Arg(64)->Arg(384);
BENCHMARK(BM_SoftmaxRowAvx2)->Arg(64)->Arg(384);
BENCHMARK(BM_LayerNormRowScalar)->Arg(128)->Arg(768);
BENCHMARK(BM_LayerNormRowAvx2)->Arg(128)->Arg(768);
BENCHMARK(BM_GeluErfScalar)->Arg(4096);
BENCHMARK(BM_GeluErfAvx2)->Arg(4096);
BENCHMARK(BM_GeluTanhScalar)->Arg(4096);
BENCHMARK(BM_GeluTanhAvx2)->Arg(4096);

}  // namespace
}  // namespace qedge::perf
