// Winograd F(4x4, 3x3) and F(2x2, 3x3) convolution against the reference Conv: random shapes (odd sizes, tile
// remainders, pads 0..3 on each side, batch 2, with and without bias), one and three threads, constant and changing
// weights; the AVX2 transforms against the portable ones; and the F(4x4) error on realistic channel counts against a
// double sum.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "common/nn_conv.h"
#include "fast_test_support.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "winograd/winograd_conv3x3.h"
#include "winograd/winograd_kernels.h"

namespace qedge::testing {
namespace {

AttrMap pads_attr(const std::vector<int64_t>& pads) {
  AttrMap a;
  a.set(ints_attr("pads", pads));
  return a;
}

// One Conv computed by WinogradConv3x3 directly with output tiles of `tile` (whatever conv.cc would choose), reusing
// `conv` across calls as a kernel does across runs. `w_constant` marks the weight a model constant.
class WinogradRun {
 public:
  explicit WinogradRun(int64_t tile) : tile_(tile) {}
  Result<std::vector<float>> operator()(const TensorData& x, const TensorData& w, const std::optional<TensorData>& b,
                                        const AttrMap& attrs, ThreadPool* threads, bool w_constant) {
    Tensor xv = x.view(), wv = w.view(), bv = b ? b->view() : Tensor{}, yv;
    wv.constant = w_constant;
    KernelContext ctx;
    ctx.op_type = "Conv";
    ctx.attrs = &attrs;
    ctx.threads = threads;
    ctx.inputs = {&xv, &wv, b ? &bv : nullptr};
    ctx.outputs = {&yv};
    ref::NnGeometry g;
    int64_t group = 0;
    QEDGE_RETURN_IF_ERROR(ref::nn_conv_prepare(ctx, DType::kFloat32, &g, &group));
    if (!fast::WinogradConv3x3::covers(g, group)) return Unsupported("geometry not covered");
    conv_.plan(g, x.shape[0], x.shape[1], w.shape[0], tile_);
    std::vector<float> y(static_cast<size_t>(num_elements(yv.shape)), NAN);
    yv.data = y.data();
    QEDGE_RETURN_IF_ERROR(conv_.run(ctx));
    return y;
  }

 private:
  int64_t tile_;
  fast::WinogradConv3x3 conv_;
};

// |got - want| <= 1e-5 * (|want| + taps), the fast kernels' float tolerance (fast_kernels_test.cc).
void expect_close(const std::vector<float>& got, const std::vector<float>& want, double taps, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_LE(std::fabs(got[i] - want[i]), 1e-5 * (std::fabs(want[i]) + taps)) << what << " element " << i;
  }
}

TEST(WinogradConv3x3, RandomShapesMatchReference) {
  std::mt19937 rng(11);
  TestThreads three;
  for (int trial = 0; trial < 24; ++trial) {
    const int64_t batch = trial % 3 == 0 ? 2 : 1, c = 1 + rng() % 23, m = 1 + rng() % 21;
    const int64_t h = 1 + rng() % 19, w = 1 + rng() % 19;
    // Pads up to 3: beyond what a 3x3 window needs, so whole output rows and columns see only padding.
    const std::vector<int64_t> pads = {int64_t(rng() % 4), int64_t(rng() % 4), int64_t(rng() % 4), int64_t(rng() % 4)};
    if (h + pads[0] + pads[2] < 3 || w + pads[1] + pads[3] < 3) continue;
    const TensorData x = make_tensor<float>(DType::kFloat32, {batch, c, h, w}, random_floats(batch * c * h * w, rng));
    const TensorData wt = make_tensor<float>(DType::kFloat32, {m, c, 3, 3}, random_floats(m * c * 9, rng));
    std::optional<TensorData> bias;
    if (trial % 2 == 0) bias = make_tensor<float>(DType::kFloat32, {m}, random_floats(m, rng));
    const AttrMap attrs = pads_attr(pads);
    auto want = run_ref_kernel("Conv", attrs, {x, wt, bias});
    ASSERT_TRUE(want.ok()) << want.status().message();
    const std::string what = "x " + dims_to_string(x.shape) + " maps " + std::to_string(m) + " pads " +
                             dims_to_string(pads) + (bias ? " bias" : "");
    for (int64_t tile : {4, 2}) {
      for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&three)}) {
        auto got = WinogradRun(tile)(x, wt, bias, attrs, pool, false);
        ASSERT_TRUE(got.ok()) << got.status().message();
        expect_close(*got, values_of<float>((*want)[0]), static_cast<double>(c * 9),
                     what + " tile " + std::to_string(tile));
      }
    }
  }
}

TEST(WinogradConv3x3, ConstantWeightsKeptAndChangedWeightsRedone) {
  std::mt19937 rng(12);
  const TensorData x = make_tensor<float>(DType::kFloat32, {1, 8, 9, 10}, random_floats(8 * 9 * 10, rng));
  TensorData w = make_tensor<float>(DType::kFloat32, {7, 8, 3, 3}, random_floats(7 * 8 * 9, rng));
  const AttrMap attrs = pads_attr({1, 0, 2, 1});
  WinogradRun conv(4);
  for (bool constant : {true, true, false, false}) {
    auto want = run_ref_kernel("Conv", attrs, {x, w});
    ASSERT_TRUE(want.ok()) << want.status().message();
    auto got = conv(x, w, std::nullopt, attrs, nullptr, constant);
    ASSERT_TRUE(got.ok()) << got.status().message();
    expect_close(*got, values_of<float>((*want)[0]), 72, constant ? "constant weight" : "weight changed in place");
    // New values at the same address: a constant weight never changes, so only the non-constant runs do this.
    if (!constant) {
      const std::vector<float> fresh = random_floats(7 * 8 * 9, rng);
      std::memcpy(w.bytes.data(), fresh.data(), fresh.size() * sizeof(float));
    }
  }
}

TEST(WinogradConv3x3, CoversOnly3x3Stride1Dilation1OneGroup) {
  ref::NnGeometry g;
  g.nd = 2;
  g.kernel = {1, 3, 3};
  EXPECT_TRUE(fast::WinogradConv3x3::covers(g, 1));
  EXPECT_FALSE(fast::WinogradConv3x3::covers(g, 2));
  g.stride = {1, 2, 1};
  EXPECT_FALSE(fast::WinogradConv3x3::covers(g, 1));
  g.stride = {1, 1, 1};
  g.dilation = {1, 1, 2};
  EXPECT_FALSE(fast::WinogradConv3x3::covers(g, 1));
  g.dilation = {1, 1, 1};
  g.kernel = {1, 3, 5};
  EXPECT_FALSE(fast::WinogradConv3x3::covers(g, 1));
  g.nd = 3;
  g.kernel = {3, 3, 3};
  EXPECT_FALSE(fast::WinogradConv3x3::covers(g, 1));
}

TEST(WinogradConv3x3, TwoByTwoTilesOnlyForTinyImages) {
  ref::NnGeometry g;
  g.nd = 2;
  g.kernel = {1, 3, 3};
  g.out = {1, 7, 7};
  EXPECT_EQ(fast::WinogradConv3x3::best_tile(g, 1), 2);
  EXPECT_EQ(fast::WinogradConv3x3::best_tile(g, 2), 4);
  g.out = {1, 14, 14};
  EXPECT_EQ(fast::WinogradConv3x3::best_tile(g, 1), 4);
}

// The fast Conv on a resnet-like layer (which it runs by Winograd): its result is the reference's.
TEST(WinogradConv3x3, FastConvOnAResnetLayerMatchesReference) {
  std::mt19937 rng(13);
  const TensorData x = make_tensor<float>(DType::kFloat32, {1, 64, 15, 13}, random_floats(64 * 15 * 13, rng));
  const TensorData w = make_tensor<float>(DType::kFloat32, {64, 64, 3, 3}, random_floats(64 * 64 * 9, rng));
  const TensorData b = make_tensor<float>(DType::kFloat32, {64}, random_floats(64, rng));
  const AttrMap attrs = pads_attr({1, 1, 1, 1});
  auto want = run_ref_kernel("Conv", attrs, {x, w, b});
  ASSERT_TRUE(want.ok()) << want.status().message();
  TestThreads three;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&three)}) {
    KernelRun run;
    run.threads = pool;
    auto got = run_kernel(fast_registry(), "Conv", attrs, {x, w, b}, run);
    ASSERT_TRUE(got.ok()) << got.status().message();
    expect_close(values_of<float>((*got)[0]), values_of<float>((*want)[0]), 64 * 9, "fast Conv");
  }
}

// A row of 13 tiles starting at flattened tile 11, so groups straddle 16-tile blocks and the row ends mid-group;
// everything outside the row's lanes and output columns must stay untouched.
TEST(WinogradConv3x3, Avx2TransformsMatchPortableOnes) {
#if defined(__x86_64__)
  if (!fast::cpu_features().avx2_fma) GTEST_SKIP() << "no AVX2+FMA on this CPU";
  std::mt19937 rng(14);
  const int64_t tiles = 13, t0 = 11, row_stride = 32 * 2 + 8;
  const fast::WinogradTileLayout layout{40, 3 * 40};
  const std::vector<float> rows = random_floats(static_cast<size_t>(6 * row_stride), rng);
  std::vector<float> a(36 * 120, 7.0f), b(36 * 120, 7.0f);
  fast::winograd_f43_input_row_scalar(rows.data(), row_stride, tiles, t0, a.data(), layout);
  fast::winograd_f43_input_row_avx2_fma(rows.data(), row_stride, tiles, t0, b.data(), layout);
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-5 * (std::fabs(a[i]) + 16)) << "input " << i;
  const std::vector<float> m = random_floats(36 * 120, rng);
  const int64_t out_stride = 60;
  std::vector<float> o1(4 * out_stride, 7.0f), o2(4 * out_stride, 7.0f);
  fast::winograd_f43_output_row_scalar(m.data(), layout, t0, tiles, 0.5f, o1.data(), out_stride, 3, 50);
  fast::winograd_f43_output_row_avx2_fma(m.data(), layout, t0, tiles, 0.5f, o2.data(), out_stride, 3, 50);
  for (size_t i = 0; i < o1.size(); ++i) ASSERT_NEAR(o1[i], o2[i], 1e-5 * (std::fabs(o1[i]) + 64)) << "output " << i;
#else
  GTEST_SKIP() << "x86-64 only";
#endif
}

// F(4x4, 3x3) on 64..512 input channels with random weights, against a double-precision direct convolution: the
// error stays within the float tolerance, and relative to the sum of |terms| (what float accumulation itself gives)
// it stays small.
TEST(WinogradConv3x3, F43ErrorOnRealisticChannelCounts) {
  std::mt19937 rng(15);
  for (int64_t c : {64, 256, 512}) {
    const int64_t m = 6, h = 9, w = 11;
    const std::vector<float> xs = random_floats(c * h * w, rng), ws = random_floats(m * c * 9, rng);
    const TensorData x = make_tensor<float>(DType::kFloat32, {1, c, h, w}, xs);
    const TensorData wt = make_tensor<float>(DType::kFloat32, {m, c, 3, 3}, ws);
    auto got = WinogradRun(4)(x, wt, std::nullopt, pads_attr({1, 1, 1, 1}), nullptr, true);
    ASSERT_TRUE(got.ok()) << got.status().message();
    double worst = 0;
    for (int64_t o = 0; o < m; ++o) {
      for (int64_t oy = 0; oy < h; ++oy) {
        for (int64_t ox = 0; ox < w; ++ox) {
          double sum = 0, abs_sum = 0;
          for (int64_t ci = 0; ci < c; ++ci) {
            for (int64_t k = 0; k < 9; ++k) {
              const int64_t iy = oy + k / 3 - 1, ix = ox + k % 3 - 1;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              const double t = double(xs[(ci * h + iy) * w + ix]) * ws[(o * c + ci) * 9 + k];
              sum += t, abs_sum += std::fabs(t);
            }
          }
          const double err = std::fabs((*got)[(o * h + oy) * w + ox] - sum);
          ASSERT_LE(err, 1e-5 * (std::fabs(sum) + c * 9)) << c << " channels";
          worst = std::max(worst, err / abs_sum);
        }
      }
    }
    EXPECT_LT(worst, 1e-5) << c << " channels";
    std::printf("F(4x4,3x3), %lld channels: max |error| / sum |terms| = %.2e\n", static_cast<long long>(c), worst);
  }
}

}  // namespace
}  // namespace qedge::testing
