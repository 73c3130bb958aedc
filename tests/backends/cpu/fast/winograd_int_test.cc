// Exact integer Winograd F(2x2, 3x3) for QConv (backends/cpu/fast/winograd_int) bit-identical to the reference QConv
// through the fast registry: random shapes (odd H/W, tile remainders, channel and map counts off the 16 padding,
// pads 0..2 incl. asymmetric, batch 2), per-tensor and per-channel weight zero points and scales, u8 and s8
// activations, extreme levels (all 255 / all -128 against weights at the limits), bias (add) or none, float and
// quantized outputs, 1 and 3 threads; each case checked to take the Winograd path. Also the AVX2 kernels against the
// portable ones on extreme values, and the bounds that keep the path exact.
#include <gtest/gtest.h>

#include <random>

#include "common/nn_conv.h"
#include "fast_test_support.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "winograd_int/winograd_int_conv3x3.h"
#include "winograd_int/winograd_int_kernels.h"

namespace qedge::testing {
namespace {

// A QConv context on views of x and w (w a model constant or not), its geometry prepared. Not copyable: the context
// points at the views.
struct QConvContext {
  QConvContext(const AttrMap& a, const TensorData& x, const TensorData& w, bool w_constant)
      : xv(x.view()), wv(w.view()) {
    wv.constant = w_constant;
    ctx.op_type = "QConv";
    ctx.domain = "qedge";
    ctx.attrs = &a;
    ctx.inputs = {&xv, &wv};
    ctx.outputs = {&yv};
    prepared = ref::nn_conv_prepare(ctx, DType::kFloat32, &g, &group).ok();
  }
  QConvContext(const QConvContext&) = delete;
  QConvContext& operator=(const QConvContext&) = delete;

  Tensor xv, wv, yv;
  KernelContext ctx;
  ref::NnGeometry g;
  int64_t group = 0;
  bool prepared = false;
};

// Whether the fast QConv takes the integer Winograd path for these inputs and attributes.
bool takes_winograd(const AttrMap& a, const TensorData& x, const TensorData& w) {
  const QConvContext q(a, x, w, false);
  return q.prepared && fast::WinogradIntConv3x3::applies(q.ctx, q.g, q.group);
}

template <typename T>
TensorData levels(DType t, const Dims& shape, std::mt19937& rng, int fixed = 1000) {
  std::vector<T> v(static_cast<size_t>(num_elements(shape)));
  for (auto& e : v) e = static_cast<T>(fixed != 1000 ? fixed : static_cast<int>(rng() % 256) - (t == DType::kInt8 ? 128 : 0));
  return make_tensor<T>(t, shape, v);
}

// Per-channel (or per-tensor) requantization to 8-bit levels with a bias in `add` (or none).
std::vector<Attr> quantized_output(int64_t maps, bool per_channel, bool bias, bool out_signed) {
  const size_t n = per_channel ? static_cast<size_t>(maps) : 1;
  std::vector<float> mult(n), add(n);
  for (size_t c = 0; c < n; ++c) mult[c] = 0.0007f * static_cast<float>(c + 1), add[c] = 0.31f * static_cast<float>(c % 4) - 0.5f;
  std::vector<Attr> list = {floats_attr("mult", mult), floats_attr("out_scale", {0.02f}),
                            floats_attr("out_zero_point", {out_signed ? -5.0f : 7.0f}), int_attr("out_bits", 8),
                            int_attr("out_signed", out_signed ? 1 : 0),
                            int_attr("out_to", static_cast<int64_t>(out_signed ? DType::kInt8 : DType::kUint8))};
  if (bias) list.push_back(floats_attr("add", add));
  return list;
}

TEST(WinogradIntQConv, RandomShapesBitIdenticalToReference) {
  std::mt19937 rng(51);
  int checked = 0;
  for (int trial = 0; trial < 28; ++trial) {
    const int64_t batch = trial % 4 == 0 ? 2 : 1, c = 16 + rng() % 28, m = 16 + rng() % 30;
    const int64_t h = 1 + rng() % 14, w = 1 + rng() % 14;
    const std::vector<int64_t> pads = {int64_t(rng() % 3), int64_t(rng() % 3), int64_t(rng() % 3), int64_t(rng() % 3)};
    if (h + pads[0] + pads[2] < 3 || w + pads[1] + pads[3] < 3) continue;
    const bool x_signed = trial % 2 == 1, per_channel = trial % 3 != 0;
    std::vector<Attr> list = {ints_attr("pads", pads), int_attr("x_zero_point", x_signed ? -7 : 131)};
    std::vector<float> wzp(per_channel ? static_cast<size_t>(m) : 1);
    for (size_t i = 0; i < wzp.size(); ++i) wzp[i] = static_cast<float>(static_cast<int>(i % 7) - 3);
    list.push_back(floats_attr("w_zero_point", wzp));
    if (trial % 5 != 4) {
      for (Attr& a : quantized_output(m, per_channel, trial % 2 == 0, trial % 3 == 1)) list.push_back(std::move(a));
    }
    const TensorData x = x_signed ? levels<int8_t>(DType::kInt8, {batch, c, h, w}, rng)
                                  : levels<uint8_t>(DType::kUint8, {batch, c, h, w}, rng);
    const TensorData wt = levels<int8_t>(DType::kInt8, {m, c, 3, 3}, rng);
    const AttrMap a = attrs(list);
    ASSERT_TRUE(takes_winograd(a, x, wt)) << "trial " << trial;
    SCOPED_TRACE("trial " + std::to_string(trial) + " x " + dims_to_string(x.shape) + " maps " + std::to_string(m) +
                 " pads " + dims_to_string(pads));
    expect_identical_to_reference("QConv", a, {x, wt});
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

// All activations at the far end of their zero point against weights all at one limit: the largest sums the bounds
// allow on these shapes, in both signs, with a float output (the raw accumulators).
TEST(WinogradIntQConv, ExtremeLevelsBitIdenticalToReference) {
  std::mt19937 rng(52);
  struct Extreme {
    bool x_signed;
    int x_level, x_zp, w_level;
    float w_zp;
  };
  for (const Extreme& e : {Extreme{false, 255, 0, -128, 0.0f}, Extreme{false, 255, 0, 127, -128.0f},
                           Extreme{true, -128, 127, -128, 127.0f}, Extreme{true, 127, -128, 127, -128.0f}}) {
    for (int64_t c : {64, 300}) {
      const TensorData x = e.x_signed ? levels<int8_t>(DType::kInt8, {1, c, 7, 6}, rng, e.x_level)
                                      : levels<uint8_t>(DType::kUint8, {1, c, 7, 6}, rng, e.x_level);
      const TensorData wt = levels<int8_t>(DType::kInt8, {24, c, 3, 3}, rng, e.w_level);
      const AttrMap a = attrs({ints_attr("pads", {1, 0, 2, 1}), int_attr("x_zero_point", e.x_zp),
                               floats_attr("w_zero_point", {e.w_zp})});
      ASSERT_TRUE(takes_winograd(a, x, wt)) << c;
      SCOPED_TRACE("x level " + std::to_string(e.x_level) + " w level " + std::to_string(e.w_level) + " c " +
                   std::to_string(c));
      expect_identical_to_reference("QConv", a, {x, wt});
    }
  }
}

// A constant weight (U' kept by the kernel) and a 56x56 layer: many tile blocks, split over 3 threads.
TEST(WinogradIntQConv, ConstantWeightsAndManyBlocks) {
  std::mt19937 rng(53);
  const TensorData x = levels<uint8_t>(DType::kUint8, {1, 32, 56, 55}, rng);
  const TensorData wt = levels<int8_t>(DType::kInt8, {48, 32, 3, 3}, rng);
  std::vector<Attr> list = {ints_attr("pads", {1, 1, 1, 1}), int_attr("x_zero_point", 120)};
  for (Attr& at : quantized_output(48, true, true, false)) list.push_back(std::move(at));
  const AttrMap a = attrs(list);
  ASSERT_TRUE(takes_winograd(a, x, wt));
  auto want = run_ref_kernel("QConv", a, {x, wt}, 1, 1, "qedge");
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads threads;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
    KernelRun run;
    run.domain = "qedge";
    run.opset = 1;
    run.threads = pool;
    run.constant_inputs = {1};
    auto got = run_kernel(fast_registry(), "QConv", a, {x, wt}, run);
    ASSERT_TRUE(got.ok()) << got.status().message();
    EXPECT_EQ((*got)[0].bytes, (*want)[0].bytes);
  }
}

// One kernel object across runs, as in a session: a constant weight's U' is kept; a weight that is not constant is
// transformed again on every run (here its values change in place between runs).
TEST(WinogradIntQConv, ConstantWeightsKeptAndChangedWeightsRedone) {
  std::mt19937 rng(57);
  const TensorData x = levels<uint8_t>(DType::kUint8, {1, 24, 9, 10}, rng);
  TensorData wt = levels<int8_t>(DType::kInt8, {20, 24, 3, 3}, rng);
  const AttrMap a = attrs({ints_attr("pads", {1, 0, 2, 1}), int_attr("x_zero_point", 100)});
  fast::WinogradIntConv3x3 conv;
  for (bool constant : {true, true, false, false}) {
    auto want = run_ref_kernel("QConv", a, {x, wt}, 1, 1, "qedge");
    ASSERT_TRUE(want.ok()) << want.status().message();
    QConvContext q(a, x, wt, constant);
    fast::Requant epilogue;
    ASSERT_TRUE(q.prepared && epilogue.read(q.ctx, 20, (*want)[0].shape).ok());
    ASSERT_TRUE(fast::WinogradIntConv3x3::applies(q.ctx, q.g, q.group));
    std::vector<float> y(static_cast<size_t>(num_elements((*want)[0].shape)));
    q.yv.data = y.data();
    ASSERT_TRUE(conv.run(q.ctx, q.g, epilogue).ok());
    EXPECT_EQ(y, values_of<float>((*want)[0])) << (constant ? "constant weight" : "weight changed in place");
    if (!constant) {
      for (auto& b : wt.bytes) b = static_cast<uint8_t>(rng());
    }
  }
}

TEST(WinogradIntQConv, BoundsAndShapesOutsideThePathAreNotTaken) {
  std::mt19937 rng(54);
  const TensorData x = levels<uint8_t>(DType::kUint8, {1, 32, 8, 8}, rng);
  const TensorData wt = levels<int8_t>(DType::kInt8, {32, 32, 3, 3}, rng);
  EXPECT_TRUE(takes_winograd(attrs({}), x, wt));
  EXPECT_FALSE(takes_winograd(attrs({ints_attr("strides", {2, 2})}), x, wt));
  EXPECT_FALSE(takes_winograd(attrs({ints_attr("dilations", {2, 2})}), x, wt));
  // Too few channels or maps to pay off.
  EXPECT_FALSE(takes_winograd(attrs({}), levels<uint8_t>(DType::kUint8, {1, 8, 8, 8}, rng),
                              levels<int8_t>(DType::kInt8, {32, 8, 3, 3}, rng)));
  EXPECT_FALSE(takes_winograd(attrs({}), x, levels<int8_t>(DType::kInt8, {8, 32, 3, 3}, rng)));
  // 36 * channels * 255 * 128 reaches 2^31 from 1828 channels: 4x the sum would not fit int32.
  EXPECT_TRUE(takes_winograd(attrs({}), levels<uint8_t>(DType::kUint8, {1, 1827, 3, 3}, rng),
                             levels<int8_t>(DType::kInt8, {16, 1827, 3, 3}, rng)));
  EXPECT_FALSE(takes_winograd(attrs({}), levels<uint8_t>(DType::kUint8, {1, 1828, 3, 3}, rng),
                              levels<int8_t>(DType::kInt8, {16, 1828, 3, 3}, rng)));
}

TEST(WinogradIntKernels, Avx2MatchesPortableOnExtremeValues) {
#if defined(__x86_64__)
  if (!fast::cpu_features().avx2_fma) GTEST_SKIP() << "no AVX2";
  std::mt19937 rng(55);
  auto extreme16 = [&](int64_t limit) {
    const int r = static_cast<int>(rng() % 4);
    return static_cast<int16_t>(r == 0 ? limit : r == 1 ? -limit : static_cast<int64_t>(rng() % (2 * limit + 1)) - limit);
  };
  // Input transform: window levels up to 255 in size, 32 channels, rows 3 windows apart.
  constexpr int64_t kC = 32, kRow = 4 * kC + 8;
  std::vector<int16_t> d(4 * kRow);
  for (auto& e : d) e = extreme16(255);
  std::vector<int16_t> v1(16 * 40), v2(16 * 40);
  fast::winograd_int_input_tile_scalar(d.data(), kRow, kC, v1.data(), 40);
  fast::winograd_int_input_tile_avx2(d.data(), kRow, kC, v2.data(), 40);
  EXPECT_EQ(v1, v2);
  // GEMM on |a| <= 4 * 255 and |b| <= 9 * 255 over 600 pairs: partial sums pass int32's range and wrap alike.
  constexpr int64_t kKp = 600, kLda = 2 * kKp + 6;
  std::vector<int16_t> a(fast::kWinoIntMr * kLda), b(kKp * 32);
  for (auto& e : a) e = extreme16(1020);
  for (auto& e : b) e = extreme16(2295);
  std::vector<int32_t> c1(fast::kWinoIntMr * 20, 3), c2(fast::kWinoIntMr * 20, 3);
  fast::winograd_int_gemm_4x16_scalar(kKp, a.data(), kLda, b.data(), c1.data(), 20);
  fast::winograd_int_gemm_4x16_avx2(kKp, a.data(), kLda, b.data(), c2.data(), 20);
  EXPECT_EQ(c1, c2);
  // Output transform on multiples of 4 near int32's limits (wrapping sums), 24 maps.
  std::vector<int32_t> m(16 * 30);
  for (auto& e : m) e = static_cast<int32_t>(static_cast<uint32_t>(rng()) & ~3u);
  std::vector<int32_t> o1(4 * 24), o2(4 * 24);
  fast::winograd_int_output_tile_scalar(m.data(), 30, 24, o1.data());
  fast::winograd_int_output_tile_avx2(m.data(), 30, 24, o2.data());
  EXPECT_EQ(o1, o2);
#else
  GTEST_SKIP() << "x86-64 only";
#endif
}

// U' = (2G) g (2G)^T is 4 G g G^T: for a one-hot filter, the tile of G's columns' outer products, times 4.
TEST(WinogradIntKernels, FilterTransformIsFourTimesGgGt) {
  const double G[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  std::mt19937 rng(56);
  int16_t g[9];
  for (auto& e : g) e = static_cast<int16_t>(static_cast<int>(rng() % 511) - 255);
  int32_t u[16];
  fast::winograd_int_filter(g, u);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      double want = 0;
      for (int k = 0; k < 3; ++k) {
        for (int l = 0; l < 3; ++l) want += G[i][k] * g[k * 3 + l] * G[j][l];
      }
      EXPECT_EQ(u[i * 4 + j], static_cast<int32_t>(4 * want)) << i << "," << j;
    }
  }
}

}  // namespace
}  // namespace qedge::testing
