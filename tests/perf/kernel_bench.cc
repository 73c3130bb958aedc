// Microbenchmarks (Google Benchmark; not a test): this CPU's peak float FMA and int8 multiply-add rates, and the
// fraction of peak the fast GEMM and convolution reach. Run: build/bin/qedge_kernel_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
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

const KernelRegistry& fast_kernels() {
  static const KernelRegistry r = [] {
    KernelRegistry k;
    fast::register_fast_kernels(k, testing::ref_registry());
    return k;
  }();
  return r;
}

// 64 -> 64 channels, 3x3, 56x56, pad 1: reference kernel against the fast one.
void conv_bench(benchmark::State& state, bool fast_path) {
  const auto x = testing::make_tensor<float>(DType::kFloat32, {1, 64, 56, 56}, random_floats(64 * 56 * 56));
  const auto w = testing::make_tensor<float>(DType::kFloat32, {64, 64, 3, 3}, random_floats(64 * 64 * 9));
  AttrMap attrs;
  attrs.set(ints_attr("pads", {1, 1, 1, 1}));
  for (auto _ : state) {
    auto r = testing::run_kernel(fast_path ? fast_kernels() : testing::ref_registry(), "Conv", attrs, {x, w}, {});
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

// XNNPACK-backed ops (backends/cpu/fast/xnnpack/) against the path the node takes without them, on model-sized
// shapes. The kernel is made and prepared once, weights marked as model constants (packed once, as in a session).
class PreparedKernel {
 public:
  PreparedKernel(const KernelRegistry& registry, const std::string& op, AttrMap attrs, std::vector<TensorData> inputs,
                 size_t first_constant)
      : attrs_(std::move(attrs)), inputs_(std::move(inputs)), kernel_((*registry.find("", op))()) {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      views_.push_back(inputs_[i].view());
      views_.back().constant = i >= first_constant;
    }
    ctx_.op_type = op;
    ctx_.opset = 22;
    ctx_.attrs = &attrs_;
    for (Tensor& v : views_) ctx_.inputs.push_back(&v);
    ctx_.outputs = {&out_};
    if (!kernel_->prepare(ctx_).ok()) std::abort();
    out_bytes_.resize(out_.nbytes());
    out_.data = out_bytes_.data();
  }
  void run() {
    if (!kernel_->run(ctx_).ok()) std::abort();
  }
  int64_t output_elements() const { return out_.numel(); }

 private:
  AttrMap attrs_;
  std::vector<TensorData> inputs_;
  std::vector<Tensor> views_;
  Tensor out_;
  std::vector<uint8_t> out_bytes_;
  std::unique_ptr<OpKernel> kernel_;
  KernelContext ctx_;
};

TensorData random_tensor(const Dims& shape) {
  return testing::make_tensor<float>(DType::kFloat32, shape, random_floats(static_cast<size_t>(num_elements(shape))));
}

void time_kernel(benchmark::State& state, PreparedKernel& k, double flops) {
  for (auto _ : state) {
    k.run();
    benchmark::ClobberMemory();
  }
  if (flops > 0) {
    state.counters["GFLOP/s"] = benchmark::Counter(flops * static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  }
}

// The mobilenet_v2 classifier (1280 -> 1000, one image), transformer_encoder's projections (64 tokens, 128 -> 384 and
// 512 -> 128) and a larger product:
// Gemm with transB and bias on the fast registry (XNNPACK fully connected) or the reference.
void fully_connected_bench(benchmark::State& state, bool fast_path) {
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  AttrMap a;
  a.set(int_attr("transB", 1));
  PreparedKernel kernel(fast_path ? fast_kernels() : testing::ref_registry(), "Gemm", a,
                        {random_tensor({m, k}), random_tensor({n, k}), random_tensor({n})}, 1);
  time_kernel(state, kernel, 2.0 * static_cast<double>(m * n * k));
}
void BM_FullyConnectedFast(benchmark::State& state) { fully_connected_bench(state, true); }
void BM_FullyConnectedRef(benchmark::State& state) { fully_connected_bench(state, false); }
BENCHMARK(BM_FullyConnectedFast)
    ->Args({1, 1280, 1000})
    ->Args({64, 128, 384})
    ->Args({64, 512, 128})
    ->Args({256, 512, 512});
BENCHMARK(BM_FullyConnectedRef)->Args({1, 1280, 1000})->Args({64, 128, 384});

// The same products on our blocked GEMM (what Gemm and MatMul ran before XNNPACK), B stored [N, K] as above.
void BM_FullyConnectedGemmF32(benchmark::State& state) {
  fast::GemmShape s;
  s.m = state.range(0), s.k = state.range(1), s.n = state.range(2);
  s.lda = s.k, s.ldb = s.k, s.ldc = s.n, s.trans_b = true;
  const auto a = random_floats(static_cast<size_t>(s.m * s.k)), b = random_floats(static_cast<size_t>(s.k * s.n));
  std::vector<float> c(static_cast<size_t>(s.m * s.n));
  for (auto _ : state) {
    fast::gemm_f32(s, a.data(), b.data(), c.data(), false, nullptr);
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * static_cast<double>(s.m * s.n * s.k) * state.iterations(),
                                                 benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_FullyConnectedGemmF32)
    ->Args({1, 1280, 1000})
    ->Args({64, 128, 384})
    ->Args({64, 512, 128})
    ->Args({256, 512, 512});

// mobilenet_v2 depthwise layers: channels, input size, stride (3x3, pads 1).
void depthwise_bench(benchmark::State& state, bool fast_path) {
  const int64_t c = state.range(0), hw = state.range(1), stride = state.range(2);
  AttrMap a;
  a.set(int_attr("group", c));
  a.set(ints_attr("pads", {1, 1, 1, 1}));
  a.set(ints_attr("strides", {stride, stride}));
  PreparedKernel kernel(fast_path ? fast_kernels() : testing::ref_registry(), "Conv", a,
                        {random_tensor({1, c, hw, hw}), random_tensor({c, 1, 3, 3}), random_tensor({c})}, 1);
  time_kernel(state, kernel, 2.0 * 9 * static_cast<double>(kernel.output_elements()));
}
void BM_DepthwiseConvFast(benchmark::State& state) { depthwise_bench(state, true); }
void BM_DepthwiseConvRef(benchmark::State& state) { depthwise_bench(state, false); }
BENCHMARK(BM_DepthwiseConvFast)->Args({32, 112, 1})->Args({96, 112, 2})->Args({144, 56, 1})->Args({960, 7, 1});
BENCHMARK(BM_DepthwiseConvRef)->Args({32, 112, 1})->Args({96, 112, 2})->Args({144, 56, 1})->Args({960, 7, 1});

// Element-wise ops on a [1, 96, 112, 112] activation (a second operand of the same shape, or one value per channel).
// Same-shape Add runs on the reference in both (XNNPACK only tied there); AddFast measures that choice.
void elementwise_bench(benchmark::State& state, const char* op, bool fast_path, bool per_channel) {
  std::vector<TensorData> in = {random_tensor({1, 96, 112, 112})};
  if (std::string(op) == "Add" || std::string(op) == "Mul") {
    in.push_back(random_tensor(per_channel ? Dims{1, 96, 1, 1} : Dims{1, 96, 112, 112}));
  }
  if (std::string(op) == "Clip") {  // Relu6, for comparison with XNNPACK's clamp (ReluFast)
    in.push_back(testing::make_tensor<float>(DType::kFloat32, {}, std::vector<float>{0.0f}));
    in.push_back(testing::make_tensor<float>(DType::kFloat32, {}, std::vector<float>{6.0f}));
  }
  PreparedKernel kernel(fast_path ? fast_kernels() : testing::ref_registry(), op, {}, std::move(in), 1);
  time_kernel(state, kernel, 0);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kernel.output_elements() * 4);
}
BENCHMARK_CAPTURE(elementwise_bench, AddFast, "Add", true, false);
BENCHMARK_CAPTURE(elementwise_bench, AddRef, "Add", false, false);
BENCHMARK_CAPTURE(elementwise_bench, AddPerChannelFast, "Add", true, true);
BENCHMARK_CAPTURE(elementwise_bench, AddPerChannelRef, "Add", false, true);
BENCHMARK_CAPTURE(elementwise_bench, MulPerChannelFast, "Mul", true, true);
BENCHMARK_CAPTURE(elementwise_bench, MulPerChannelRef, "Mul", false, true);
BENCHMARK_CAPTURE(elementwise_bench, ReluFast, "Relu", true, false);
BENCHMARK_CAPTURE(elementwise_bench, ReluRef, "Relu", false, false);
BENCHMARK_CAPTURE(elementwise_bench, ClipRef, "Clip", false, false);
BENCHMARK_CAPTURE(elementwise_bench, HardSwishFast, "HardSwish", true, false);
BENCHMARK_CAPTURE(elementwise_bench, HardSwishRef, "HardSwish", false, false);
BENCHMARK_CAPTURE(elementwise_bench, SigmoidFast, "Sigmoid", true, false);
BENCHMARK_CAPTURE(elementwise_bench, SigmoidRef, "Sigmoid", false, false);
BENCHMARK_CAPTURE(elementwise_bench, LeakyReluFast, "LeakyRelu", true, false);
BENCHMARK_CAPTURE(elementwise_bench, LeakyReluRef, "LeakyRelu", false, false);

// mobilenet_v2's last pooling: [1, 1280, 7, 7].
void global_average_pool_bench(benchmark::State& state, bool fast_path) {
  PreparedKernel kernel(fast_path ? fast_kernels() : testing::ref_registry(), "GlobalAveragePool", {},
                        {random_tensor({1, 1280, 7, 7})}, 1);
  time_kernel(state, kernel, 0);
}
BENCHMARK_CAPTURE(global_average_pool_bench, Fast, true);
BENCHMARK_CAPTURE(global_average_pool_bench, Ref, false);

}  // namespace
}  // namespace qedge::perf

BENCHMARK_MAIN();
