// The depthwise kernels (backends/cpu/fast/depthwise) against the reference Conv and QConv on random shapes: odd
// widths, widths around the eight-lane blocks, every stride/pad/dilation form the kernels special-case, channel
// multipliers 1 and 2, 1-D and 3-D, 1 and 3 threads. Float within 1e-5 relative, integer levels bit-identical.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "depthwise/depthwise_plane.h"
#include "fast_test_support.h"
#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::testing {
namespace {

// A depthwise geometry: spatial input dims, kernel dims, and the window attributes (absent ones take defaults).
struct DwCase {
  Dims in, kernel;
  std::vector<int64_t> strides, pads, dilations;
};

std::vector<DwCase> cases() {
  std::vector<DwCase> c = {
      {{7, 7}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {}},        // 960ch 7x7 layer: one partial block
      {{13, 29}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {}},      // odd width
      {{6, 8}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {}},        // width 8: one whole block
      {{5, 17}, {3, 3}, {1, 1}, {0, 0, 0, 0}, {}},       // no padding
      {{9, 20}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {}},       // the downsampling layers
      {{10, 37}, {3, 3}, {2, 2}, {0, 1, 0, 1}, {}},      // TF "SAME" padding, odd width
      {{8, 33}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {}},
      {{11, 25}, {3, 3}, {1, 2}, {2, 0, 1, 3}, {}},      // row stride 2, row stride 1, asymmetric pads
      {{12, 40}, {3, 3}, {3, 1}, {1, 1, 1, 1}, {}},      // row stride 3: general path, unit-stride loads
      {{9, 31}, {3, 3}, {1, 1}, {2, 2, 2, 2}, {2, 2}},   // dilated 3x3: general path
      {{14, 45}, {5, 5}, {1, 1}, {2, 2, 2, 2}, {}},
      {{15, 50}, {5, 5}, {2, 2}, {2, 1, 2, 1}, {}},
      {{8, 41}, {3, 2}, {1, 3}, {1, 0, 1, 2}, {1, 2}},   // strided gathers
      {{7, 60}, {1, 7}, {1, 1}, {0, 3, 0, 3}, {}},
      {{2, 3}, {3, 3}, {1, 1}, {1, 1, 1, 1}, {}},        // input smaller than the window
      {{49}, {3}, {1}, {1, 1}, {}},                      // 1-D
      {{45}, {9}, {2}, {4, 4}, {}},
      {{4, 5, 19}, {3, 3, 3}, {1, 1, 1}, {1, 1, 1, 1, 1, 1}, {}},  // 3-D
      {{5, 6, 23}, {1, 3, 3}, {2, 1, 2}, {0, 1, 1, 0, 1, 1}, {}},  // 3-D, 3x3 in-plane: the 3x3 kernels per depth
  };
  // Random 3x3 layers with stride 1 or 2 and pads 0..2 on odd and even widths.
  std::mt19937 rng(11);
  for (int i = 0; i < 12; ++i) {
    const int64_t s = 1 + static_cast<int64_t>(rng() % 2);
    const auto pad = [&] { return static_cast<int64_t>(rng() % 3); };
    c.push_back({{static_cast<int64_t>(3 + rng() % 20), static_cast<int64_t>(3 + rng() % 70)}, {3, 3}, {s, s},
                 {pad(), pad(), pad(), pad()}, {}});
  }
  return c;
}

AttrMap window_attrs(const DwCase& c, int64_t channels) {
  AttrMap a;
  a.set(int_attr("group", channels));
  if (!c.strides.empty()) a.set(ints_attr("strides", c.strides));
  if (!c.pads.empty()) a.set(ints_attr("pads", c.pads));
  if (!c.dilations.empty()) a.set(ints_attr("dilations", c.dilations));
  return a;
}

Dims nc_shape(int64_t n, int64_t c, const Dims& spatial) {
  Dims d{n, c};
  d.insert(d.end(), spatial.begin(), spatial.end());
  return d;
}

// Runs `op` with the fast kernels at 1 and 3 threads and hands each output to check(got, want).
template <typename Check>
void against_reference(const std::string& op, const AttrMap& a, const std::vector<std::optional<TensorData>>& in,
                       const std::string& domain, Check&& check) {
  auto want = run_ref_kernel(op, a, in, 1, domain.empty() ? 22 : 1, domain);
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads threads;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
    KernelRun run;
    run.domain = domain;
    run.opset = domain.empty() ? 22 : 1;
    run.threads = pool;
    auto got = run_kernel(fast_registry(), op, a, in, run);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ((*got)[0].dtype, (*want)[0].dtype);
    ASSERT_EQ((*got)[0].shape, (*want)[0].shape);
    check((*got)[0], (*want)[0]);
  }
}

// |got - want| <= 1e-5 * (|want| + taps), as fast_kernels_test: the sum order differs from the reference's.
void expect_close(const TensorData& got, const TensorData& want, double taps) {
  const auto g = values_of<float>(got), w = values_of<float>(want);
  for (size_t i = 0; i < g.size(); ++i) {
    ASSERT_LE(std::fabs(g[i] - w[i]), 1e-5 * (std::fabs(w[i]) + taps)) << "element " << i;
  }
}

TEST(FastDepthwiseConv, FloatMatchesReference) {
  std::mt19937 rng(1);
  for (const DwCase& c : cases()) {
    for (int64_t multiplier : {1, 2}) {
      const int64_t channels = 1 + static_cast<int64_t>(rng() % 5), batch = 1 + static_cast<int64_t>(rng() % 2);
      const Dims xs = nc_shape(batch, channels, c.in), ws = nc_shape(channels * multiplier, 1, c.kernel);
      std::optional<TensorData> bias;
      if (multiplier == 1) bias = make_tensor<float>(DType::kFloat32, {ws[0]}, random_floats(ws[0], rng));
      SCOPED_TRACE("input " + dims_to_string(xs) + " weight " + dims_to_string(ws));
      against_reference("Conv", window_attrs(c, channels),
                        {make_tensor<float>(DType::kFloat32, xs, random_floats(num_elements(xs), rng)),
                         make_tensor<float>(DType::kFloat32, ws, random_floats(num_elements(ws), rng)), bias},
                        "", [&](const TensorData& g, const TensorData& w) {
                          expect_close(g, w, static_cast<double>(num_elements(ws) / ws[0]));
                        });
    }
  }
}

// Levels of `bits` (8: the whole storage type) in int8 or uint8 storage.
TensorData random_levels(DType t, int bits, const Dims& shape, std::mt19937& rng) {
  std::vector<uint8_t> v(static_cast<size_t>(num_elements(shape)));
  const int span = 1 << bits, lo = t == DType::kInt8 ? -span / 2 : 0;
  for (auto& e : v) e = static_cast<uint8_t>(lo + static_cast<int>(rng() % span));
  return make_tensor<uint8_t>(t, shape, v);
}

// Per-map mult/add, a clamp, and a 4- or 8-bit output quantizer (both zero-point rules).
void add_requant_attrs(AttrMap& a, int64_t maps, int bits, int zp_after_round) {
  std::vector<float> mult(static_cast<size_t>(maps)), add(static_cast<size_t>(maps));
  for (int64_t m = 0; m < maps; ++m) mult[m] = 0.0007f * static_cast<float>(m + 1), add[m] = 0.29f * static_cast<float>(m % 3) - 0.4f;
  a.set(floats_attr("mult", mult));
  a.set(floats_attr("add", add));
  a.set(float_attr("clamp_min", 0.0f));
  a.set(floats_attr("out_scale", {0.03f}));
  a.set(floats_attr("out_zero_point", {bits == 8 ? 0.0f : 3.0f}));
  a.set(int_attr("out_bits", bits));
  a.set(int_attr("out_signed", bits == 8 ? 1 : 0));
  a.set(int_attr("out_zp_after_round", zp_after_round));
  a.set(int_attr("out_to", static_cast<int64_t>(bits == 8 ? DType::kInt8 : DType::kUint8)));
}

void expect_identical(const TensorData& got, const TensorData& want) { EXPECT_EQ(got.bytes, want.bytes); }

TEST(FastDepthwiseQConv, BitIdenticalToReference) {
  std::mt19937 rng(2);
  int variant = 0;
  for (const DwCase& c : cases()) {
    for (int64_t multiplier : {1, 2}) {
      ++variant;
      const int64_t channels = 1 + static_cast<int64_t>(rng() % 5), maps = channels * multiplier;
      const Dims xs = nc_shape(1 + static_cast<int64_t>(rng() % 2), channels, c.in), ws = nc_shape(maps, 1, c.kernel);
      // 8-bit uint8 activations with zero point 128 (the QDQ u8 models), int8 ones, and 4-bit levels.
      const DType xt = variant % 3 == 1 ? DType::kInt8 : DType::kUint8;
      const int x_bits = variant % 3 == 2 ? 4 : 8, w_bits = variant % 2 == 0 ? 4 : 8;
      AttrMap a = window_attrs(c, channels);
      a.set(int_attr("x_zero_point", xt == DType::kUint8 ? (x_bits == 8 ? 128 : 7) : -3));
      std::vector<float> wzp(static_cast<size_t>(maps));
      for (int64_t m = 0; m < maps; ++m) wzp[m] = static_cast<float>(m % 3) - 1.0f;
      a.set(floats_attr("w_zero_point", wzp));
      const TensorData x = random_levels(xt, x_bits, xs, rng), w = random_levels(DType::kInt8, w_bits, ws, rng);
      SCOPED_TRACE("input " + dims_to_string(xs) + " weight " + dims_to_string(ws));
      AttrMap quantized = a;
      add_requant_attrs(quantized, maps, variant % 2 == 0 ? 8 : 4, variant % 4 < 2);
      against_reference("QConv", quantized, {x, w}, "qedge", expect_identical);
      // Float output (no output quantizer): the scaled sums themselves.
      against_reference("QConv", a, {x, w}, "qedge", expect_identical);
    }
  }
}

// Windows whose sums could pass 2^24 are not exact in float: the reference kernel computes them.
TEST(FastDepthwiseQConv, LargeWindowsFallBackToTheReference) {
  std::mt19937 rng(3);
  const Dims xs{1, 2, 20, 20}, ws{2, 1, 23, 23};  // 529 taps * 255 * 128 > 2^24
  AttrMap a;
  a.set(int_attr("group", 2));
  a.set(ints_attr("pads", {11, 11, 11, 11}));
  against_reference("QConv", a, {random_levels(DType::kUint8, 8, xs, rng), random_levels(DType::kInt8, 8, ws, rng)},
                    "qedge", expect_identical);
}

// The portable plane kernel against the AVX2 one on the same planes (the Conv tests above run whichever this CPU
// picks).
TEST(FastDepthwisePlane, PortableAndAvx2KernelsAgree) {
  if (!fast::cpu_features().avx2_fma) GTEST_SKIP() << "no AVX2+FMA on this CPU";
#if defined(__x86_64__)
  std::mt19937 rng(4);
  for (const DwCase& c : cases()) {
    ref::NnGeometry g;
    g.nd = static_cast<int>(c.in.size());
    const int off = ref::kNnMaxSpatial - g.nd;
    for (int i = 0; i < g.nd; ++i) {
      g.in[off + i] = c.in[i];
      g.kernel[off + i] = c.kernel[i];
      g.stride[off + i] = c.strides[i];
      g.pad_begin[off + i] = c.pads[i];
      g.pad_end[off + i] = c.pads[g.nd + i];
      g.dilation[off + i] = c.dilations.empty() ? 1 : c.dilations[i];
      g.out[off + i] = (g.in[off + i] + c.pads[i] + c.pads[g.nd + i] - g.extent(off + i)) / g.stride[off + i] + 1;
    }
    const auto x = random_floats(static_cast<size_t>(g.in_size()), rng);
    const auto w = random_floats(static_cast<size_t>(g.kernel_size()), rng);
    std::vector<float> scratch(static_cast<size_t>(fast::depthwise_scratch_size(g)));
    std::vector<float> y1(static_cast<size_t>(g.out_size())), y2(y1.size());
    fast::DepthwisePlane p;
    p.g = &g, p.x = x.data(), p.w = w.data(), p.bias = 0.25f, p.scratch = scratch.data(), p.y = y1.data();
    fast::depthwise_plane_f32_scalar(p);
    p.y = y2.data();
    fast::depthwise_plane_f32_avx2_fma(p);
    for (size_t i = 0; i < y1.size(); ++i) {
      ASSERT_LE(std::fabs(y1[i] - y2[i]), 1e-5 * (std::fabs(y1[i]) + static_cast<double>(w.size())))
          << dims_to_string(c.in) << " element " << i;
    }
  }
#endif
}

}  // namespace
}  // namespace qedge::testing
