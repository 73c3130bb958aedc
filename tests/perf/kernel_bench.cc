// Microbenchmarks (Google Benchmark; not a test): this CPU's peak float FMA and int8 multiply-add rates, and the
// fraction of peak the fast GEMM and convolution reach. Run: build/bin/qedge_kernel_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <cstdlib>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "../support/kernel_harness.h"
#include "peak.h"
#include "qedge/cpu_fast/fast_kernels.h"
#include "qedge/cpu_fast/gemm_f32.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/gemm_lowbit.h"
#include "qedge/cpu_fast/gemm_vnni.h"
#include "gemm_vnni/vnni_ops.h"
#include "qedge/cpu_fast/gemm_s16.h"
#include "common/nn_conv.h"
#include "depthwise/depthwise_qplane.h"
#include "im2col.h"
#include "int_operands.h"
#include "requant.h"
#include "winograd/winograd_conv3x3.h"
#include "winograd_int/winograd_int_conv3x3.h"

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

// The same with AVX-512 VNNI (vpdpbusd), where the CPU has it.
void BM_PeakInt8Vnni(benchmark::State& state) {
  if (!fast::cpu_features().avx512_vnni) {
    state.SkipWithError("no AVX-512 VNNI on this CPU");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(peak_dpbusd_i8(1 << 20));
  state.counters["GOP/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kPeakVnniOpsPerCall * (1 << 20),
                                               benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_PeakInt8Vnni);

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The peak float FMA rate in GFLOP/s, measured once (best of five, in CPU time like the benchmarks' rate counters, so
// that other load on the machine cancels out) for the fraction-of-peak counters.
double measured_peak_gflops() {
  static const double peak = [] {
    constexpr int64_t kIterations = int64_t{1} << 22;
    double best = 0;
    for (int r = 0; r < 5; ++r) {
      const double t0 = thread_cpu_seconds();
      benchmark::DoNotOptimize(peak_fma_f32(kIterations));
      best = std::max(best, kPeakFmaFlopsPerCall * kIterations / (thread_cpu_seconds() - t0) / 1e9);
    }
    return best;
  }();
  return peak;
}

std::vector<float> random_floats(size_t n) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& e : v) e = u(rng);
  return v;
}

// C = A * B with A packed on every call (gemm_f32) or once ahead, as a constant weight is (gemm_f32_prepacked).
void gemm_f32_rate(benchmark::State& state, bool prepacked) {
  fast::GemmShape s;
  s.m = state.range(0), s.n = state.range(1), s.k = state.range(2);
  s.lda = s.k, s.ldb = s.n, s.ldc = s.n;
  const auto a = random_floats(static_cast<size_t>(s.m * s.k)), b = random_floats(static_cast<size_t>(s.k * s.n));
  std::vector<float> c(static_cast<size_t>(s.m * s.n));
  fast::GemmF32PackedA packed;
  if (prepacked) packed.pack(s.m, s.k, a.data(), s.lda, nullptr);
  for (auto _ : state) {
    if (prepacked) {
      fast::gemm_f32_prepacked(s, packed, b.data(), c.data(), false, nullptr);
    } else {
      fast::gemm_f32(s, a.data(), b.data(), c.data(), false, nullptr);
    }
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * static_cast<double>(s.m * s.n * s.k);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.counters["peak"] = benchmark::Counter(flops * static_cast<double>(state.iterations()) /
                                                  (measured_peak_gflops() * 1e9),
                                              benchmark::Counter::kIsRate);
  state.SetLabel(fast::gemm_f32_kernel_name());
}

// mobilenet_v2's 1x1 convolutions as M (output channels), N (output positions), K (input channels): the weights
// (up to 1.2 MB) outweigh the inputs at 14x14 and 7x7, so packing them per call costs most there.
void mobilenet_pointwise_shapes(benchmark::internal::Benchmark* b) {
  b->Args({96, 196, 576})->Args({160, 49, 960})->Args({320, 49, 960})->Args({576, 196, 96})->Args({960, 49, 160});
}

void BM_GemmF32(benchmark::State& state) { gemm_f32_rate(state, false); }
BENCHMARK(BM_GemmF32)->Args({256, 256, 256})->Args({512, 512, 512})->Args({1024, 1024, 1024})->Args({64, 3136, 576});
BENCHMARK(BM_GemmF32)->Apply(mobilenet_pointwise_shapes);

void BM_GemmF32Prepacked(benchmark::State& state) { gemm_f32_rate(state, true); }
BENCHMARK(BM_GemmF32Prepacked)->Apply(mobilenet_pointwise_shapes)->Args({1024, 1024, 1024});

// Layer shapes as M (output channels), N (output positions), K: resnet18 3x3 layers (64 at 56x56 to 512 at 7x7),
// mobilenet_v2 pointwise layers (56x56 to 7x7), and a square one.
constexpr int64_t kIntGemmShapes[][3] = {{512, 512, 512}, {64, 16384, 576}, {64, 3136, 576},  {128, 784, 1152},
                                         {256, 196, 2304}, {512, 49, 4608},   {144, 3136, 24}, {192, 784, 32},
                                         {64, 784, 384},   {960, 49, 160},    {1280, 49, 320}};

void int_gemm_shapes(benchmark::internal::Benchmark* b) {
  for (const auto& s : kIntGemmShapes) b->Args({s[0], s[1], s[2]});
}

// GOP/s per CPU second of `calls` iterations of a peak loop doing ops_per_call operations each.
double peak_gops(int32_t (*loop)(int64_t), double ops_per_call, int64_t calls) {
  const std::clock_t t0 = std::clock();
  benchmark::DoNotOptimize(loop(calls));
  const double s = static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
  return ops_per_call * static_cast<double>(calls) / s * 1e-9;
}

// This core's int8 multiply-add rate (like the GOP/s counters), measured once: the denominator of the GEMMs'
// peak_frac; and its AVX-512 VNNI rate (vpdpbusd), the VNNI kernels' vnni_peak_frac.
double peak_int8_gops() {
  static const double gops = peak_gops(peak_madd_i8, kPeakMaddOpsPerCall, 1 << 24);
  return gops;
}
double peak_vnni_gops() {
  static const double gops = peak_gops(peak_dpbusd_i8, kPeakVnniOpsPerCall, 1 << 22);
  return gops;
}

// GOP/s and peak_frac: seconds the work takes at peak over the seconds it took (shown as a rate, "/s"); with
// `vnni`, also vnni_peak_frac.
void report_int_gemm(benchmark::State& state, int64_t m, int64_t n, int64_t k, bool vnni = false) {
  const double ops = 2.0 * static_cast<double>(m * n * k) * static_cast<double>(state.iterations());
  state.counters["GOP/s"] = benchmark::Counter(ops, benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.counters["peak_frac"] = benchmark::Counter(ops * 1e-9 / peak_int8_gops(), benchmark::Counter::kIsRate);
  if (vnni) {
    state.counters["vnni_peak_frac"] = benchmark::Counter(ops * 1e-9 / peak_vnni_gops(), benchmark::Counter::kIsRate);
  }
}

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
  report_int_gemm(state, s.m, s.n, s.k);
  state.SetLabel(fast::gemm_s16_kernel_name());
}
BENCHMARK(BM_GemmS16)->Apply(int_gemm_shapes);

// The low-bit GEMM on the same shapes: 4-bit weights (nibbles) and 6-bit ones (bytes), u8 activations.
void BM_GemmLowbit(benchmark::State& state) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2), bits = state.range(3);
  const int64_t lo = -(int64_t{1} << (bits - 1)), hi = -lo - 1;
  std::vector<int16_t> w(static_cast<size_t>(m * k));
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int16_t>(lo + static_cast<int64_t>(i * 7 % (hi - lo + 1)));
  const fast::LowbitWeights packed = fast::pack_lowbit_weights(*fast::lowbit_layout(lo, hi, k), w.data(), m, k, k, 1);
  std::vector<uint8_t> b(static_cast<size_t>(k * n), 200);
  std::vector<int32_t> c(static_cast<size_t>(m * n));
  for (auto _ : state) {
    fast::gemm_lowbit(packed, b.data(), n, false, n, 3, c.data(), n, nullptr);
    benchmark::ClobberMemory();
  }
  report_int_gemm(state, m, n, k);
  state.SetLabel(std::string(fast::gemm_lowbit_kernel_name()) + (bits <= 4 ? " u8s4" : " u8s8"));
}
BENCHMARK(BM_GemmLowbit)->Apply([](benchmark::internal::Benchmark* b) {
  for (int64_t bits : {4, 6}) {
    for (const auto& s : kIntGemmShapes) b->Args({s[0], s[1], s[2], bits});
  }
});

// The VNNI GEMM on the same shapes: s8 weights, u8 activations with a zero point (peak_frac against the AVX2
// int8 rate, like the others; vnni_peak_frac against this core's vpdpbusd rate, BM_PeakInt8Vnni).
void BM_GemmVnni(benchmark::State& state) {
  if (!fast::gemm_vnni_available()) {
    state.SkipWithError("no AVX-512 VNNI on this CPU");
    return;
  }
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  std::vector<int8_t> w(static_cast<size_t>(m * k));
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(static_cast<int64_t>(i * 7 % 256) - 128);
  const fast::VnniWeights packed = fast::pack_vnni_weights(w.data(), m, k, k, 1, 3);
  std::vector<uint8_t> b(static_cast<size_t>(k * n), 200);
  std::vector<int32_t> c(static_cast<size_t>(m * n));
  for (auto _ : state) {
    fast::gemm_vnni(packed, b.data(), n, false, n, c.data(), n, nullptr);
    benchmark::ClobberMemory();
  }
  report_int_gemm(state, m, n, k, true);
  state.SetLabel("avx512_vnni_8x32");
}
BENCHMARK(BM_GemmVnni)->Apply(int_gemm_shapes);

const KernelRegistry& fast_registry() {
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
    auto r = testing::run_kernel(fast_path ? fast_registry() : testing::ref_registry(), "Conv", attrs, {x, w}, {});
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

// resnet18's 3x3 stride-1 layers (channels = maps, square image, pad 1): Winograd F(4x4, 3x3) against im2col + GEMM,
// as effective GFLOP/s (direct-convolution FLOPs / time) and fraction of the peak FMA rate (BM_PeakFloatFma).
// Arguments: channels, image size, Winograd output tile (4: F(4x4, 3x3), 2: F(2x2, 3x3), 0: im2col + GEMM). The rows after resnet18's layers (few channels, small images) are
// where WinogradConv3x3::pays_off draws its line.
void BM_Conv3x3Resnet18(benchmark::State& state) {
  const int64_t c = state.range(0), hw = state.range(1);
  const int64_t tile = state.range(2);
  const auto x = random_floats(static_cast<size_t>(c * hw * hw)), w = random_floats(static_cast<size_t>(c * c * 9));
  Tensor xv, wv, yv;
  xv.dtype = wv.dtype = DType::kFloat32;
  xv.shape = {1, c, hw, hw}, wv.shape = {c, c, 3, 3};
  xv.data = const_cast<float*>(x.data()), wv.data = const_cast<float*>(w.data());
  wv.constant = true;
  AttrMap attrs;
  attrs.set(ints_attr("pads", {1, 1, 1, 1}));
  KernelContext ctx;
  ctx.op_type = "Conv";
  ctx.attrs = &attrs;
  ctx.inputs = {&xv, &wv};
  ctx.outputs = {&yv};
  ref::NnGeometry g;
  int64_t group = 0;
  if (!ref::nn_conv_prepare(ctx, DType::kFloat32, &g, &group).ok()) state.SkipWithError("bad geometry");
  std::vector<float> y(static_cast<size_t>(c * hw * hw));
  yv.data = y.data();
  fast::WinogradConv3x3 wino;
  if (tile > 0) wino.plan(g, 1, c, c, tile);
  std::vector<float> col(static_cast<size_t>(c * 9 * hw * hw));
  fast::GemmShape s;
  s.m = c, s.n = hw * hw, s.k = c * 9, s.lda = s.k, s.ldb = s.n, s.ldc = s.n;
  for (auto _ : state) {
    if (tile > 0) {
      benchmark::DoNotOptimize(wino.run(ctx));
    } else {
      fast::im2col(g, x.data(), c, col.data());
      fast::gemm_f32(s, w.data(), col.data(), y.data(), false, nullptr);
    }
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * static_cast<double>(c * c * 9 * hw * hw) * static_cast<double>(state.iterations());
  state.counters["GFLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.counters["peak"] = benchmark::Counter(flops / (measured_peak_gflops() * 1e9), benchmark::Counter::kIsRate);
  state.SetLabel(tile == 4 ? "winograd_f43" : tile == 2 ? "winograd_f23" : "im2col_gemm");
}
BENCHMARK(BM_Conv3x3Resnet18)
    ->ArgsProduct({{64}, {56}, {0, 4}})
    ->ArgsProduct({{128}, {28}, {0, 4}})
    ->ArgsProduct({{256}, {14}, {0, 4}})
    ->ArgsProduct({{512}, {7}, {0, 4, 2}})
    ->ArgsProduct({{8, 16}, {56}, {0, 4}})
    ->ArgsProduct({{64, 128, 256}, {7}, {0, 4, 2}})
    ->ArgsProduct({{256}, {10}, {0, 4, 2}})
    ->ArgsProduct({{512}, {14}, {4, 2}})
    ->Unit(benchmark::kMillisecond);

// The requantizing epilogue on one map's int32 sums (4096 or 128 per call, in L1) to u8 levels, per-tensor output scale, a fused
// Relu: the exact form (the reference's operations, the division included, AVX2) against the certified one (1: AVX2,
// 2: AVX-512). Items are output values.
#if defined(__x86_64__)
// The requantization benchmarks' form argument (range 0): 2 is the AVX-512 form, skipped (nullopt) on a CPU without it.
std::optional<int64_t> requant_form(benchmark::State& state) {
  const int64_t form = state.range(0);
  if (form == 2 && !fast::cpu_features().avx512_vnni) {
    state.SkipWithError("no AVX-512 on this CPU");
    return std::nullopt;
  }
  return form;
}

// The requantization benchmarks' epilogue: `inputs` (the op's own attributes), a fused Relu, u8 levels of scale
// out_scale and zero point out_zero_point.
AttrMap u8_relu_epilogue(std::vector<Attr> inputs, float out_scale, float out_zero_point) {
  AttrMap attrs;
  for (Attr a : {float_attr("clamp_min", 0.0f), floats_attr("out_scale", {out_scale}),
                 floats_attr("out_zero_point", {out_zero_point}), int_attr("out_bits", 8), int_attr("out_signed", 0),
                 int_attr("out_to", static_cast<int64_t>(DType::kUint8))}) {
    inputs.push_back(std::move(a));
  }
  for (Attr& a : inputs) attrs.set(std::move(a));
  return attrs;
}
#endif

void BM_Requant(benchmark::State& state) {
#if defined(__x86_64__)
  const std::optional<int64_t> form = requant_form(state);
  if (!form) return;
  AttrMap attrs = u8_relu_epilogue({floats_attr("mult", {0.0004f}), floats_attr("add", {0.1f})}, 0.05f, 3.0f);
  const int64_t kN = state.range(1);
  Tensor yv;
  KernelContext ctx;
  ctx.op_type = "QConv";
  ctx.domain = "qedge";
  ctx.attrs = &attrs;
  ctx.outputs = {&yv};
  fast::Requant r;
  if (!r.read(ctx, 1, {kN}).ok() || !r.certified().on) {
    state.SkipWithError("epilogue without the certified form");
    return;
  }
  std::mt19937 rng(5);
  std::vector<int32_t> acc(kN);
  for (auto& v : acc) v = static_cast<int32_t>(rng() % 20001) - 10000;
  std::vector<uint8_t> y(kN);
  yv.data = y.data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(*form == 2 ? fast::requant_rows_certified_avx512(r, acc.data(), kN, 1, kN, 0, 0, yv, 0, kN)
                             : *form == 1
                                 ? fast::requant_certified_avx2(r, acc.data(), kN, 0, 0, yv, 0)
                                 : fast::requant_avx2(r.epilogue(), acc.data(), kN, 0, 0, yv, 0));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kN);
  state.SetLabel(*form == 2 ? "certified_avx512" : *form == 1 ? "certified_avx2" : "exact_avx2");
#else
  state.SkipWithError("x86-64 only");
#endif
}
BENCHMARK(BM_Requant)->ArgsProduct({{0, 1, 2}, {4096, 128}});

// QAdd of two u8 maps as resnet18's residual adds have them (200704 values: 64 x 56 x 56), u8 output, a fused Relu,
// one thread: the certified form eight values per step (1: AVX2) against 64 per step (2: AVX-512); second argument:
// scales that put many sums on a tie. Items are output values.
void BM_QAddCertified(benchmark::State& state) {
#if defined(__x86_64__)
  // Scales with no small common ratio, as calibrated models have them, or (ties 1) 0.031, 0.017 and 0.04, which put
  // one sum in 40 exactly on a tie: lanes in doubt, settled by the scalar epilogue.
  const bool ties = state.range(1) != 0;
  const float scale_a = ties ? 0.031f : 0.0312467f, scale_b = ties ? 0.017f : 0.0171983f;
  const float scale_out = ties ? 0.04f : 0.0403791f;
  const std::optional<int64_t> form = requant_form(state);
  if (!form) return;
  AttrMap attrs = u8_relu_epilogue({float_attr("a_scale", scale_a), float_attr("b_scale", scale_b),
                                    int_attr("a_zero_point", 128), int_attr("b_zero_point", 120)},
                                   scale_out, 0.0f);
  constexpr int64_t kN = 200704;
  std::mt19937 rng(6);
  std::vector<uint8_t> a(kN), b(kN), y(kN);
  for (auto& v : a) v = static_cast<uint8_t>(rng());
  for (auto& v : b) v = static_cast<uint8_t>(rng());
  Tensor av, bv, yv;
  av.dtype = bv.dtype = DType::kUint8;
  av.shape = bv.shape = {kN};
  av.data = a.data(), bv.data = b.data(), yv.data = y.data();
  KernelContext ctx;
  ctx.op_type = "QAdd";
  ctx.domain = "qedge";
  ctx.attrs = &attrs;
  ctx.inputs = {&av, &bv};
  ctx.outputs = {&yv};
  ref::IntLinearEpilogue e;
  fast::QAddOperand oa, ob;
  oa.data = a.data(), ob.data = b.data();
  oa.scale = scale_a, ob.scale = scale_b, oa.zero_point = 128, ob.zero_point = 120;
  if (!e.read(ctx, 1, av.shape).ok()) {
    state.SkipWithError("QAdd epilogue not read");
    return;
  }
  const fast::CertifiedQAdd c = fast::certify_qadd(e, oa, ob);
  if (!c.on) {
    state.SkipWithError("epilogue without the certified form");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(*form == 2 ? fast::qadd_certified_avx512(e, c, oa, ob, kN, yv, 0)
                                       : fast::qadd_certified_avx2(e, c, oa, ob, kN, yv, 0));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kN);
  state.SetLabel(std::string(*form == 2 ? "certified_avx512" : "certified_avx2") + (ties ? " ties" : ""));
#else
  state.SkipWithError("x86-64 only");
#endif
}
BENCHMARK(BM_QAddCertified)->ArgsProduct({{1, 2}, {0, 1}});

// One QConv layer as the QDQ u8 models have it: random u8 activations (zero point 128) and s8 weights, per-channel
// requantization to u8, pad kernel / 2, one image. Not movable: the context points into it.
struct QConvLayer {
  AttrMap attrs;
  std::vector<uint8_t> x, y;
  std::vector<int8_t> w;
  Tensor xv, wv, yv;
  KernelContext ctx;
  ref::NnGeometry g;
  int64_t group = 0;
  fast::Requant epilogue;
  bool ok = false;

  QConvLayer(int64_t cin, int64_t cout, int64_t hw, int64_t kernel, int64_t stride)
      : x(static_cast<size_t>(cin * hw * hw)), w(static_cast<size_t>(cout * cin * kernel * kernel)) {
    std::mt19937 rng(3);
    for (auto& e : x) e = static_cast<uint8_t>(rng());
    for (auto& e : w) e = static_cast<int8_t>(rng());
    std::vector<float> mult(static_cast<size_t>(cout), 0.0004f), add(static_cast<size_t>(cout), 0.1f);
    const int64_t pad = kernel / 2;
    for (Attr a : {ints_attr("pads", {pad, pad, pad, pad}), ints_attr("strides", {stride, stride}),
                   int_attr("x_zero_point", 128), floats_attr("mult", mult), floats_attr("add", add),
                   float_attr("clamp_min", 0.0f), floats_attr("out_scale", {0.05f}), floats_attr("out_zero_point", {0}),
                   int_attr("out_bits", 8), int_attr("out_signed", 0),
                   int_attr("out_to", static_cast<int64_t>(DType::kUint8))}) {
      attrs.set(std::move(a));
    }
    xv.dtype = DType::kUint8, wv.dtype = DType::kInt8;
    xv.shape = {1, cin, hw, hw}, wv.shape = {cout, cin, kernel, kernel};
    xv.data = x.data(), wv.data = w.data();
    wv.constant = true;
    ctx.op_type = "QConv";
    ctx.domain = "qedge";
    ctx.attrs = &attrs;
    ctx.inputs = {&xv, &wv};
    ctx.outputs = {&yv};
    ok = ref::nn_conv_prepare(ctx, DType::kFloat32, &g, &group).ok() && epilogue.read(ctx, cout, xv.shape).ok();
    y.resize(static_cast<size_t>(cout * g.out_size()));
    yv.data = y.data();
  }
  QConvLayer(const QConvLayer&) = delete;
  QConvLayer& operator=(const QConvLayer&) = delete;
};

// Exact QConv on resnet18's 3x3 layers (QConvLayer, pad 1, one thread): the integer Winograd F(2x2, 3x3) against
// the path the fast QConv takes otherwise (X - zero point as int16, im2col, the int16 GEMM, the epilogue).
// Arguments: channels (in = out), image size, path (1: Winograd, 0: im2col + int16 GEMM, 2: the VNNI GEMM where the
// CPU has it). GOP/s and peak_frac count the direct convolution's multiply-adds against BM_PeakInt8MultiplyAdd; rows
// below resnet18's layers are where WinogradIntConv3x3::applies draws its line.
void BM_QConv3x3Resnet18(benchmark::State& state) {
  const int64_t c = state.range(0), hw = state.range(1);
  const bool winograd = state.range(2) == 1, vnni = state.range(2) == 2;
  if (vnni && !fast::gemm_vnni_available()) {
    state.SkipWithError("no AVX-512 VNNI on this CPU");
    return;
  }
  QConvLayer layer(c, c, hw, 3, 1);
  std::vector<int16_t> weights;
  if (!layer.ok || !fast::adjusted_weights(layer.ctx, 0, &weights).ok() ||
      (winograd && !fast::WinogradIntConv3x3::applies(layer.ctx, layer.g, layer.group))) {
    state.SkipWithError("not a Winograd QConv");
    return;
  }
  fast::WinogradIntConv3x3 wino;
  fast::VnniWeightsCache vnni_weights;
  std::vector<int16_t> col(static_cast<size_t>(c * 9 * hw * hw));
  std::vector<int32_t> acc(static_cast<size_t>(c * hw * hw));
  fast::GemmShape s;
  s.m = c, s.n = hw * hw, s.k = c * 9, s.lda = s.k, s.ldb = s.n, s.ldc = s.n;
  for (auto _ : state) {
    if (winograd) {
      benchmark::DoNotOptimize(wino.run(layer.ctx, layer.g, layer.epilogue));
    } else if (vnni) {
      benchmark::DoNotOptimize(fast::run_qconv_vnni(layer.ctx, layer.g, layer.group, layer.epilogue, vnni_weights));
    } else {
      const std::vector<int16_t> xs = fast::adjusted_input(layer.ctx);
      fast::im2col(layer.g, xs.data(), c, col.data());
      fast::gemm_s16(s, weights.data(), col.data(), acc.data(), nullptr);
      for (int64_t m = 0; m < c; ++m) {
        fast::requant_run(layer.epilogue, acc.data() + m * s.n, s.n, m, 0, layer.yv, m * s.n);
      }
    }
    benchmark::ClobberMemory();
  }
  report_int_gemm(state, c, hw * hw, c * 9);
  state.SetLabel(winograd ? "winograd_int_f23" : vnni ? "gemm_vnni" : "im2col_gemm_s16");
}
BENCHMARK(BM_QConv3x3Resnet18)
    ->ArgsProduct({{64}, {56}, {0, 1, 2}})
    ->ArgsProduct({{128}, {28}, {0, 1, 2}})
    ->ArgsProduct({{256}, {14}, {0, 1, 2}})
    ->ArgsProduct({{512}, {7}, {0, 1, 2}})
    ->ArgsProduct({{16, 32}, {56, 7}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond);

// The QConv attributes of a QDQ u8 depthwise layer of c channels: uint8 levels with zero point 128, a per-map
// requantizing epilogue with a ReLU clamp, uint8 output.
void qdq_u8_depthwise_attrs(AttrMap& attrs, int64_t c) {
  attrs.set(int_attr("x_zero_point", 128));
  attrs.set(floats_attr("mult", std::vector<float>(static_cast<size_t>(c), 0.0004f)));
  attrs.set(floats_attr("add", std::vector<float>(static_cast<size_t>(c), 0.1f)));
  attrs.set(float_attr("clamp_min", 0.0f));
  attrs.set(floats_attr("out_scale", {0.02f}));
  attrs.set(floats_attr("out_zero_point", {0.0f}));
  attrs.set(int_attr("out_bits", 8));
  attrs.set(int_attr("out_signed", 0));
  attrs.set(int_attr("out_zp_after_round", 1));
  attrs.set(int_attr("out_to", static_cast<int64_t>(DType::kUint8)));
}

// Whole QConv layers on the VNNI GEMM (QConvLayer, one thread), including the requantizing epilogue: the
// convolutions of resnet18 and the slow ones of mobilenet_v2 (its stem with k = 27, 1x1 layers with k = 16..32 at
// 112x112 and 56x56). Arguments: input channels, output channels, input size, kernel, stride.
void BM_QConvVnni(benchmark::State& state) {
  if (!fast::gemm_vnni_available()) {
    state.SkipWithError("no AVX-512 VNNI on this CPU");
    return;
  }
  const int64_t cin = state.range(0), cout = state.range(1), kernel = state.range(3);
  QConvLayer layer(cin, cout, state.range(2), kernel, state.range(4));
  if (!layer.ok || !fast::vnni_applies(layer.ctx, cin * kernel * kernel)) {
    state.SkipWithError("not a VNNI QConv");
    return;
  }
  fast::VnniWeightsCache weights;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fast::run_qconv_vnni(layer.ctx, layer.g, layer.group, layer.epilogue, weights));
    benchmark::ClobberMemory();
  }
  report_int_gemm(state, cout, layer.g.out_size(), cin * kernel * kernel, true);
}
BENCHMARK(BM_QConvVnni)
    ->Args({3, 64, 224, 7, 2})     // resnet18 stem
    ->Args({64, 64, 56, 3, 1})     // layer1
    ->Args({64, 128, 56, 3, 2})    // layer2.0 conv1
    ->Args({64, 128, 56, 1, 2})    // layer2.0 downsample
    ->Args({128, 128, 28, 3, 1})   // layer2
    ->Args({256, 256, 14, 3, 1})   // layer3
    ->Args({512, 512, 7, 3, 1})    // layer4
    ->Args({3, 32, 224, 3, 2})     // mobilenet_v2 features.0
    ->Args({32, 16, 112, 1, 1})    // features.1 conv.1
    ->Args({16, 96, 112, 1, 1})    // features.2 conv.0
    ->Args({24, 144, 56, 1, 1})    // features.3 conv.0
    ->Args({144, 24, 56, 1, 1})    // features.3 conv.2
    ->Args({96, 576, 14, 1, 1})    // features.11 conv.0 (196 columns)
    ->Args({160, 960, 7, 1, 1})    // features.15 conv.0 (49 columns)
    ->Args({960, 160, 7, 1, 1})    // features.15 conv.2
    ->Unit(benchmark::kMicrosecond);

// Bipolar QConv (xnor=1), 64 -> 64 channels, 3x3, 28x28, pad 1: reference kernel against the XNOR-popcount one.
void xnor_conv_bench(benchmark::State& state, bool fast_path) {
  std::vector<int8_t> xv(64 * 28 * 28), wv(64 * 64 * 9);
  for (size_t i = 0; i < xv.size(); ++i) xv[i] = i * 7 % 5 < 2 ? 1 : -1;
  for (size_t i = 0; i < wv.size(); ++i) wv[i] = i * 11 % 3 == 0 ? 1 : -1;
  const auto x = testing::make_tensor<int8_t>(DType::kInt8, {1, 64, 28, 28}, xv);
  const auto w = testing::make_tensor<int8_t>(DType::kInt8, {64, 64, 3, 3}, wv);
  AttrMap attrs;
  attrs.set(ints_attr("pads", {1, 1, 1, 1}));
  attrs.set(int_attr("xnor", 1));
  testing::KernelRun run;
  run.domain = "qedge";
  run.opset = 1;
  for (auto _ : state) {
    auto r = testing::run_kernel(fast_path ? fast_registry() : testing::ref_registry(), "QConv", attrs, {x, w}, run);
    benchmark::DoNotOptimize(r);
  }
}
void BM_XnorConvRef3x3(benchmark::State& state) { xnor_conv_bench(state, false); }
void BM_XnorConvFast3x3(benchmark::State& state) { xnor_conv_bench(state, true); }
BENCHMARK(BM_XnorConvRef3x3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_XnorConvFast3x3)->Unit(benchmark::kMillisecond);
// XNNPACK-backed ops (backends/cpu/fast/xnnpack/) against the path the node takes without them, on model-sized
// shapes. The kernel is made and prepared once, weights marked as model constants (packed once, as in a session).
class PreparedKernel {
 public:
  // domain "qedge" prepares a qedge-domain (opset 1) kernel.
  PreparedKernel(const KernelRegistry& registry, const std::string& op, AttrMap attrs, std::vector<TensorData> inputs,
                 size_t first_constant, const std::string& domain = "")
      : attrs_(std::move(attrs)), inputs_(std::move(inputs)), kernel_((*registry.find(domain, op))()) {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      views_.push_back(inputs_[i].view());
      views_.back().constant = i >= first_constant;
    }
    ctx_.op_type = op;
    ctx_.domain = domain;
    ctx_.opset = domain.empty() ? 22 : 1;
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
  PreparedKernel kernel(fast_path ? fast_registry() : testing::ref_registry(), "Gemm", a,
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

// The edges of an NHWC region (float): an image entering it (args 3, 224: NCHW -> NHWC) and mobilenet_v2's last
// feature map leaving it (1280, 7: NHWC -> NCHW), fast path against the reference. GB/s counts bytes read and written.
void transpose_bench(benchmark::State& state, bool fast_path) {
  const int64_t c = state.range(0), hw = state.range(1), to_nhwc = state.range(2);
  AttrMap a;
  a.set(ints_attr("perm", to_nhwc ? std::vector<int64_t>{0, 2, 3, 1} : std::vector<int64_t>{0, 3, 1, 2}));
  const Dims x = to_nhwc ? Dims{1, c, hw, hw} : Dims{1, hw, hw, c};
  PreparedKernel kernel(fast_path ? fast_registry() : testing::ref_registry(), "Transpose", a, {random_tensor(x)}, 1);
  time_kernel(state, kernel, 0);
  state.counters["GB/s"] = benchmark::Counter(8.0 * static_cast<double>(num_elements(x)) * state.iterations(),
                                              benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
void BM_TransposeFast(benchmark::State& state) { transpose_bench(state, true); }
void BM_TransposeRef(benchmark::State& state) { transpose_bench(state, false); }
BENCHMARK(BM_TransposeFast)->Args({3, 224, 1})->Args({1280, 7, 0});
BENCHMARK(BM_TransposeRef)->Args({3, 224, 1})->Args({1280, 7, 0});

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

// mobilenet_v2's depthwise 3x3 layers (args: channels, input size, stride; pads 1), prepared once with constant weights
// as in a session: float Conv, and QConv on uint8 levels (zero point 128; int8 levels, zero point 0, for the S8 form)
// with int8 weights requantized to uint8 as in the QDQ u8 model (the integer 3x3 kernel where the CPU has one, named
// in the label); fast path against the reference. The GFLOP/s counter counts each multiply-add as two operations
// (integer ones for QConv).
void depthwise_bench(benchmark::State& state, bool fast_path, bool integer, bool x_signed = false) {
  const int64_t c = state.range(0), hw = state.range(1), stride = state.range(2);
  AttrMap a;
  a.set(int_attr("group", c));
  a.set(ints_attr("pads", {1, 1, 1, 1}));
  a.set(ints_attr("strides", {stride, stride}));
  const KernelRegistry& registry = fast_path ? fast_registry() : testing::ref_registry();
  if (!integer) {
    PreparedKernel kernel(registry, "Conv", a,
                          {random_tensor({1, c, hw, hw}), random_tensor({c, 1, 3, 3}), random_tensor({c})}, 1);
    time_kernel(state, kernel, 2.0 * 9 * static_cast<double>(kernel.output_elements()));
    return;
  }
  qdq_u8_depthwise_attrs(a, c);
  if (x_signed) a.set(int_attr("x_zero_point", 0));
  if (fast_path) state.SetLabel(fast::depthwise_qplane_kernel_name());
  std::vector<uint8_t> x(static_cast<size_t>(c * hw * hw)), w(static_cast<size_t>(c * 9));
  std::mt19937 rng(2);
  for (auto& v : x) v = static_cast<uint8_t>(rng());
  for (auto& v : w) v = static_cast<uint8_t>(rng());
  PreparedKernel kernel(registry, "QConv", a,
                        {testing::make_tensor<uint8_t>(x_signed ? DType::kInt8 : DType::kUint8, {1, c, hw, hw}, x),
                         testing::make_tensor<uint8_t>(DType::kInt8, {c, 1, 3, 3}, w)},
                        1, "qedge");
  time_kernel(state, kernel, 2.0 * 9 * static_cast<double>(kernel.output_elements()));
}
void BM_DepthwiseConvFast(benchmark::State& state) { depthwise_bench(state, true, false); }
void BM_DepthwiseConvRef(benchmark::State& state) { depthwise_bench(state, false, false); }
void BM_DepthwiseQConvFast(benchmark::State& state) { depthwise_bench(state, true, true); }
void BM_DepthwiseQConvRef(benchmark::State& state) { depthwise_bench(state, false, true); }
void BM_DepthwiseQConvFastS8(benchmark::State& state) { depthwise_bench(state, true, true, true); }
// Every depthwise layer shape of mobilenet_v2, and the four the reference kernels are timed on.
void mobilenet_depthwise_layers(benchmark::internal::Benchmark* b) {
  for (auto [c, hw, stride] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
           {32, 112, 1}, {96, 112, 2}, {144, 56, 1}, {144, 56, 2}, {192, 28, 1}, {192, 28, 2}, {384, 14, 1},
           {576, 14, 1}, {576, 14, 2}, {960, 7, 1}}) {
    b->Args({c, hw, stride});
  }
  b->Unit(benchmark::kMicrosecond);
}
void mobilenet_depthwise_reference_layers(benchmark::internal::Benchmark* b) {
  b->Args({32, 112, 1})->Args({96, 112, 2})->Args({144, 56, 1})->Args({960, 7, 1})->Unit(benchmark::kMicrosecond);
}
// The same layers channels-last, as the converter's layout pass runs them: qedge.NhwcConv with weights [C, 3, 3, 1]
// and a Relu6 bound (mobilenet_v2's Clip), on the fast registry.
void BM_NhwcDepthwiseConv(benchmark::State& state) {
  const int64_t c = state.range(0), hw = state.range(1), stride = state.range(2);
  AttrMap a;
  a.set(int_attr("group", c));
  a.set(ints_attr("pads", {1, 1, 1, 1}));
  a.set(ints_attr("strides", {stride, stride}));
  a.set(string_attr("activation", "Clip"));
  a.set(floats_attr("activation_params", {0.0f, 6.0f}));
  PreparedKernel kernel(fast_registry(), "NhwcConv", a,
                        {random_tensor({1, hw, hw, c}), random_tensor({c, 3, 3, 1}), random_tensor({c})}, 1, "qedge");
  time_kernel(state, kernel, 2.0 * 9 * static_cast<double>(kernel.output_elements()));
}
BENCHMARK(BM_DepthwiseConvFast)->Apply(mobilenet_depthwise_layers);
BENCHMARK(BM_DepthwiseConvRef)->Apply(mobilenet_depthwise_reference_layers);
BENCHMARK(BM_DepthwiseQConvFast)->Apply(mobilenet_depthwise_layers);
BENCHMARK(BM_DepthwiseQConvRef)->Apply(mobilenet_depthwise_reference_layers);
BENCHMARK(BM_DepthwiseQConvFastS8)->Apply(mobilenet_depthwise_layers);
BENCHMARK(BM_NhwcDepthwiseConv)->Apply(mobilenet_depthwise_layers);

// The integer plane kernels alone (padding pass and sums, no epilogue) on the same layers' planes: uint8 levels
// (zero point 128), int8 taps, one scratch and sum buffer as in a thread of QConv.
void depthwise_planes_bench(benchmark::State& state, void (*kernel)(const fast::DepthwiseQPlane&), bool available) {
  if (!available) {
    state.SkipWithError("kernel not available on this CPU");
    return;
  }
  const int64_t c = state.range(0), hw = state.range(1), stride = state.range(2);
  ref::NnGeometry g;
  g.nd = 2;
  g.in = {1, hw, hw};
  g.kernel = {1, 3, 3};
  g.stride = {1, stride, stride};
  g.pad_begin = {0, 1, 1};
  g.pad_end = {0, 1, 1};
  g.out = {1, (hw - 1) / stride + 1, (hw - 1) / stride + 1};
  std::vector<uint8_t> x(static_cast<size_t>(c * hw * hw));
  std::vector<int16_t> w(static_cast<size_t>(c * 9));
  std::vector<int16_t> scratch(static_cast<size_t>(fast::depthwise_qplane_scratch_size(g)));
  std::vector<int32_t> acc(static_cast<size_t>(g.out_size() + fast::kDepthwiseQPlaneSlack));
  std::mt19937 rng(2);
  for (auto& v : x) v = static_cast<uint8_t>(rng());
  for (auto& v : w) v = static_cast<int16_t>(static_cast<int>(rng() % 256) - 128);
  for (auto _ : state) {
    for (int64_t m = 0; m < c; ++m) {
      fast::DepthwiseQPlane p;
      p.g = &g;
      p.x = x.data() + m * hw * hw;
      p.zero_point = 128;
      p.w = w.data() + m * 9;
      p.scratch = scratch.data();
      p.acc = acc.data();
      kernel(p);
    }
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * 9 * static_cast<double>(c * g.out_size()) * state.iterations(),
                                                 benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
void BM_DepthwiseQConvPlanesAvx2(benchmark::State& state) {
  depthwise_planes_bench(state, fast::depthwise_qplane_3x3_avx2, fast::cpu_features().avx2_fma);
}
void BM_DepthwiseQConvPlanesVnni(benchmark::State& state) {
  depthwise_planes_bench(state, fast::depthwise_qplane_3x3_u8s8_vnni_avx512, fast::cpu_features().avx512_vnni);
}
BENCHMARK(BM_DepthwiseQConvPlanesAvx2)->Apply(mobilenet_depthwise_layers);
BENCHMARK(BM_DepthwiseQConvPlanesVnni)->Apply(mobilenet_depthwise_layers);

// Weight-only QConv (float X, int8 weights holding 4-bit levels, per-map zero point, mult and add, a Relu clamp:
// backends/cpu/fast/weight_only), prepared once with a constant weight as in a session, against its peer, the
// qedge.FusedConv with float weights, bias and Relu it runs as (so the ratio is what the weight-only wrapper costs),
// and against the reference QConv. Args: channels (in = out), image size, kernel (3: 3x3 pad 1, 1: 1x1, 0: depthwise
// 3x3 pad 1), path (0: weight-only QConv, 1: float FusedConv, 2: reference QConv).
void BM_WeightOnlyQConv(benchmark::State& state) {
  const int64_t c = state.range(0), hw = state.range(1), kind = state.range(2), path = state.range(3);
  const int64_t kernel = kind == 1 ? 1 : 3, group = kind == 0 ? c : 1;
  const Dims xs{1, c, hw, hw}, ws{c, c / group, kernel, kernel};
  AttrMap a;
  a.set(int_attr("group", group));
  a.set(ints_attr("pads", kernel == 3 ? std::vector<int64_t>{1, 1, 1, 1} : std::vector<int64_t>{0, 0, 0, 0}));
  const double flops = 2.0 * static_cast<double>(num_elements(ws) * hw * hw);
  if (path == 1) {
    a.set(string_attr("activation", "Relu"));
    PreparedKernel k(fast_registry(), "FusedConv", a, {random_tensor(xs), random_tensor(ws), random_tensor({c})}, 1,
                     "qedge");
    time_kernel(state, k, flops);
    state.SetLabel("float_fused_conv");
    return;
  }
  std::vector<int8_t> levels(static_cast<size_t>(num_elements(ws)));
  std::mt19937 rng(5);
  for (auto& v : levels) v = static_cast<int8_t>(static_cast<int>(rng() % 16) - 8);
  std::vector<float> zp(static_cast<size_t>(c)), mult(static_cast<size_t>(c)), add(static_cast<size_t>(c));
  for (int64_t m = 0; m < c; ++m) zp[m] = static_cast<float>(m % 3 - 1), mult[m] = 0.01f * (m + 1), add[m] = 0.1f;
  a.set(floats_attr("w_zero_point", zp));
  a.set(floats_attr("mult", mult));
  a.set(floats_attr("add", add));
  a.set(float_attr("clamp_min", 0.0f));
  PreparedKernel k(path == 0 ? fast_registry() : testing::ref_registry(), "QConv", a,
                   {random_tensor(xs), testing::make_tensor<int8_t>(DType::kInt8, ws, levels)}, 1, "qedge");
  time_kernel(state, k, flops);
  state.SetLabel(path == 0 ? "weight_only_qconv" : "reference_qconv");
}
BENCHMARK(BM_WeightOnlyQConv)
    ->ArgsProduct({{64}, {56}, {3}, {0, 1}})
    ->ArgsProduct({{256}, {14}, {3}, {0, 1}})
    ->ArgsProduct({{512}, {7}, {3}, {0, 1}})
    ->ArgsProduct({{144}, {56}, {1, 0}, {0, 1}})
    ->ArgsProduct({{64}, {14}, {3, 0}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond);

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
  PreparedKernel kernel(fast_path ? fast_registry() : testing::ref_registry(), op, {}, std::move(in), 1);
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
  PreparedKernel kernel(fast_path ? fast_registry() : testing::ref_registry(), "GlobalAveragePool", {},
                        {random_tensor({1, 1280, 7, 7})}, 1);
  time_kernel(state, kernel, 0);
}
BENCHMARK_CAPTURE(global_average_pool_bench, Fast, true);
BENCHMARK_CAPTURE(global_average_pool_bench, Ref, false);

// A standalone FINN MultiThreshold on a 64x56x56 activation, per-channel thresholds sorted ascending (a model
// constant), S = 3 (2-bit levels) or 255 (8-bit levels: the fast kernel's binary search); Args: S, 1 for the fast
// kernel (0 the reference), 1 for NHWC (data_layout, vectors across channels) or 0 for NCHW (vectors along planes).
void BM_MultiThreshold(benchmark::State& state) {
  const int64_t c = 64, hw = 56, steps = state.range(0);
  const bool nhwc = state.range(2) != 0;
  std::vector<float> t = random_floats(static_cast<size_t>(c * steps));
  for (int64_t r = 0; r < c; ++r) std::sort(t.begin() + r * steps, t.begin() + (r + 1) * steps);
  const Dims shape = nhwc ? Dims{1, hw, hw, c} : Dims{1, c, hw, hw};
  TensorData x = testing::make_tensor<float>(DType::kFloat32, shape, random_floats(static_cast<size_t>(c * hw * hw)));
  TensorData th = testing::make_tensor<float>(DType::kFloat32, {c, steps}, t);
  const KernelRegistry& registry = state.range(1) ? fast_registry() : testing::ref_registry();
  std::unique_ptr<OpKernel> kernel = (*registry.find("qonnx.custom_op.general", "MultiThreshold"))();
  AttrMap attrs;
  attrs.set(string_attr("data_layout", nhwc ? "NHWC" : "NCHW"));
  Tensor xv = x.view(), tv = th.view(), y;
  tv.constant = true;
  KernelContext ctx;
  ctx.op_type = "MultiThreshold";
  ctx.domain = "qonnx.custom_op.general";
  ctx.opset = 1;
  ctx.attrs = &attrs;
  ctx.inputs = {&xv, &tv};
  ctx.outputs = {&y};
  if (!kernel->prepare(ctx).ok()) std::abort();
  std::vector<uint8_t> out(y.nbytes());
  y.data = out.data();
  for (auto _ : state) {
    if (!kernel->run(ctx).ok()) std::abort();
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * xv.numel());
}
BENCHMARK(BM_MultiThreshold)->ArgsProduct({{3, 255}, {0, 1}, {0, 1}});

// The attention products of transformer_encoder_float as batched float MatMuls on the fast registry, one thread:
// heads x [tokens, 32] x [32, tokens] (Q K^T) and heads x [tokens, tokens] x [tokens, 32] (P V). Args: heads, tokens,
// 0 for Q K^T or 1 for P V.
void BM_AttentionMatMul(benchmark::State& state) {
  const int64_t heads = state.range(0), tokens = state.range(1), d = 32;
  const bool pv = state.range(2) != 0;
  const int64_t k = pv ? tokens : d, n = pv ? d : tokens;
  PreparedKernel kernel(fast_registry(), "MatMul", AttrMap(),
                        {random_tensor({1, heads, tokens, k}), random_tensor({1, heads, k, n})}, 2);
  time_kernel(state, kernel, 2.0 * static_cast<double>(heads * tokens * k * n));
}
BENCHMARK(BM_AttentionMatMul)->ArgsProduct({{4}, {64, 256}, {0, 1}});

}  // namespace
}  // namespace qedge::perf

BENCHMARK_MAIN();
