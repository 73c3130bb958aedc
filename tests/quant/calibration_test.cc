#include "qedge/quant/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "qedge/quant/quant_ops.h"

namespace qedge::quant {
namespace {

std::vector<float> laplacian(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::exponential_distribution<float> mag(1.0f);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(n);
  for (float& x : v) x = sign(rng) ? mag(rng) : -mag(rng);
  return v;
}

// Mean squared error of fake-quantizing `v` with `scale` on `grid` (QONNX Quant semantics, half-even).
double quant_mse(const std::vector<float>& v, float scale, const QuantGrid& grid) {
  IntQuantParams p;
  p.bits = grid.bits;
  p.is_signed = grid.is_signed;
  p.narrow = grid.narrow;
  double err = 0;
  for (float x : v) {
    const double d = x - int_quant_value(x, scale, 0.0f, p);
    err += d * d;
  }
  return err / static_cast<double>(v.size());
}

TEST(QuantCalibration, ParsesMethods) {
  CalibrationMethod m;
  ASSERT_TRUE(parse_calibration_method("mse", &m));
  EXPECT_EQ(m, CalibrationMethod::kMse);
  ASSERT_TRUE(parse_calibration_method("percentile", &m));
  EXPECT_STREQ(calibration_method_name(m), "percentile");
  EXPECT_FALSE(parse_calibration_method("MinMax", &m));
  EXPECT_FALSE(parse_calibration_method("", &m));
}

TEST(QuantCalibration, GridMaxLevel) {
  EXPECT_EQ(grid_max_level({8, true, true}), 127);
  EXPECT_EQ(grid_max_level({8, true, false}), 127);
  EXPECT_EQ(grid_max_level({8, false, false}), 255);
  EXPECT_EQ(grid_max_level({4, false, true}), 14);
  EXPECT_EQ(grid_max_level({1, true, true}), 1);
}

TEST(QuantCalibration, ObserverTracksRangeOverBatches) {
  Observer o(16);
  const std::vector<float> a{0.5f, -0.25f, 0.0f, 1.0f};
  const std::vector<float> b{-3.0f, 2.0f, NAN, INFINITY};
  o.observe(a.data(), a.size());
  EXPECT_EQ(o.range(), 1.0);
  o.observe(b.data(), b.size());
  EXPECT_EQ(o.count(), 6u);
  EXPECT_EQ(o.zeros(), 1u);
  EXPECT_EQ(o.non_finite(), 2u);
  EXPECT_EQ(o.min(), -3.0f);
  EXPECT_EQ(o.max(), 2.0f);
  EXPECT_EQ(o.max_abs(), 3.0f);
  EXPECT_NEAR(o.mean_abs(), (0.5 + 0.25 + 1 + 3 + 2) / 6, 1e-9);
  // The range doubled twice (1 -> 4); the 5 non-zero values are all still counted.
  EXPECT_EQ(o.range(), 4.0);
  uint64_t total = 0;
  for (uint64_t h : o.histogram()) total += h;
  EXPECT_EQ(total, 5u);
  // After the merges 0.25 and 0.5 sit in bins 1 and 2 of 16 over [0, 4); 3.0 went straight into bin 12.
  EXPECT_EQ(o.histogram()[1], 1u);
  EXPECT_EQ(o.histogram()[2], 1u);
  EXPECT_EQ(o.histogram()[12], 1u);
}

TEST(QuantCalibration, MinMaxIsMaxAbsOverQmax) {
  Observer o;
  const std::vector<float> v{-0.7f, 0.2f, 1.27f, -1.0f};
  o.observe(v.data(), v.size());
  const ScaleOptions minmax{CalibrationMethod::kMinMax};
  EXPECT_FLOAT_EQ(select_scale(o, {8, true, true}, minmax), 1.27f / 127);
  EXPECT_FLOAT_EQ(select_scale(o, {4, true, false}, minmax), 1.27f / 7);
  const std::vector<float> relu{0.0f, 0.5f, 2.55f};
  Observer u;
  u.observe(relu.data(), relu.size());
  EXPECT_FLOAT_EQ(select_scale(u, {8, false, false}, minmax), 2.55f / 255);
}

TEST(QuantCalibration, AllZeroTensorGetsUsableScale) {
  Observer o;
  const std::vector<float> v(10, 0.0f);
  o.observe(v.data(), v.size());
  for (CalibrationMethod m : {CalibrationMethod::kMinMax, CalibrationMethod::kPercentile, CalibrationMethod::kMse}) {
    EXPECT_EQ(select_scale(o, {8, true, true}, {m}), 1.0f);
  }
  Observer empty;
  EXPECT_EQ(select_scale(empty, {8, true, true}, {}), 1.0f);
}

TEST(QuantCalibration, PercentileIgnoresOneOutlier) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> v(100000);
  for (float& x : v) x = uni(rng);
  v[500] = 100.0f;
  Observer o;
  o.observe(v.data(), v.size());
  const QuantGrid grid{8, true, true};
  EXPECT_FLOAT_EQ(select_threshold(o, grid, {CalibrationMethod::kMinMax}), 100.0);
  const double t = select_threshold(o, grid, {CalibrationMethod::kPercentile, 99.99});
  // One histogram bin is 100/2048 wide; the 99.99th percentile of |U(-1,1)| is 0.9999.
  EXPECT_GT(t, 0.95);
  EXPECT_LT(t, 1.05);
  // 100 % keeps everything.
  EXPECT_FLOAT_EQ(select_threshold(o, grid, {CalibrationMethod::kPercentile, 100.0}), 100.0);
}

TEST(QuantCalibration, PercentileOfMostlyZerosKeepsTheRange) {
  // 99 % of the values are exact zeros: the 99th percentile is 0, which would leave no range for the rest.
  std::vector<float> v(1000, 0.0f);
  v[0] = 5.0f;
  v[1] = 2.0f;
  Observer o;
  o.observe(v.data(), v.size());
  EXPECT_EQ(select_threshold(o, {8, false, false}, {CalibrationMethod::kPercentile, 99.0}), 5.0);
  EXPECT_FLOAT_EQ(select_scale(o, {8, false, false}, {CalibrationMethod::kPercentile, 99.0}), 5.0f / 255);
  // Just above the zeros the percentile is a real one again (inside the bin holding 2.0).
  const double t = select_threshold(o, {8, false, false}, {CalibrationMethod::kPercentile, 99.9});
  EXPECT_GT(t, 1.99);
  EXPECT_LE(t, 2.01);
}

TEST(QuantCalibration, MseClipsLaplacianBelowMaxAndBeatsMinMax) {
  const std::vector<float> v = laplacian(200000, 7);
  Observer o;
  o.observe(v.data(), v.size());
  for (int bits : {3, 4, 8}) {
    SCOPED_TRACE(bits);
    const QuantGrid grid{bits, true, true};
    const double t = select_threshold(o, grid, {CalibrationMethod::kMse});
    EXPECT_LT(t, 0.9 * o.max_abs());
    EXPECT_GT(t, 1.0);  // never absurdly small: the scale of the distribution is 1
    const float mse_scale = select_scale(o, grid, {CalibrationMethod::kMse});
    const float minmax_scale = select_scale(o, grid, {CalibrationMethod::kMinMax});
    EXPECT_LT(quant_mse(v, mse_scale, grid), quant_mse(v, minmax_scale, grid));
  }
  // Fewer bits clip harder.
  EXPECT_LT(select_threshold(o, {3, true, true}, {CalibrationMethod::kMse}),
            select_threshold(o, {8, true, true}, {CalibrationMethod::kMse}));
}

TEST(QuantCalibration, MseKeepsUniformRange) {
  // For a uniform distribution clipping only hurts: the threshold stays near max |x|.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uni(-2.0f, 2.0f);
  std::vector<float> v(50000);
  for (float& x : v) x = uni(rng);
  Observer o;
  o.observe(v.data(), v.size());
  EXPECT_GT(select_threshold(o, {8, true, true}, {CalibrationMethod::kMse}), 0.97 * o.max_abs());
}

TEST(QuantCalibration, BipolarScaleIsMeanAbs) {
  const std::vector<float> v{-1.0f, 3.0f, 0.5f, -0.5f};
  Observer o;
  o.observe(v.data(), v.size());
  EXPECT_FLOAT_EQ(select_scale(o, {1, true, true}, {CalibrationMethod::kMinMax}), 1.25f);
  EXPECT_FLOAT_EQ(select_scale(o, {1, true, true}, {CalibrationMethod::kMse}), 1.25f);
}

TEST(QuantCalibration, ChannelMaxAbsAlongAnyAxis) {
  // Shape [2, 3]: rows are axis 0, columns axis 1.
  const std::vector<float> w{1, -4, 2, -3, 0.5f, 6};
  EXPECT_EQ(channel_max_abs(w.data(), {2, 3}, 0), (std::vector<float>{4, 6}));
  EXPECT_EQ(channel_max_abs(w.data(), {2, 3}, 1), (std::vector<float>{3, 4, 6}));
  // Conv weight [OC=2, IC=1, 1, 3]: one max per output channel.
  EXPECT_EQ(channel_max_abs(w.data(), {2, 1, 1, 3}, 0), (std::vector<float>{4, 6}));
  const std::vector<float> scales = channel_scales(w.data(), {2, 3}, 1, {8, true, true}, {CalibrationMethod::kMinMax});
  ASSERT_EQ(scales.size(), 3u);
  EXPECT_FLOAT_EQ(scales[0], 3.0f / 127);
  EXPECT_FLOAT_EQ(scales[2], 6.0f / 127);
}

TEST(QuantCalibration, Sqnr) {
  const std::vector<float> ref{1, -1, 1, -1};
  const std::vector<float> test{1.1f, -1, 1, -1};
  // signal 4, noise 0.01 -> 26.02 dB
  EXPECT_NEAR(sqnr_db(ref.data(), test.data(), 4), 10 * std::log10(4 / (0.1 * 0.1)), 1e-3);
  EXPECT_TRUE(std::isinf(sqnr_db(ref.data(), ref.data(), 4)) && sqnr_db(ref.data(), ref.data(), 4) > 0);
  SqnrAccumulator acc;
  acc.add(ref.data(), test.data(), 4);
  acc.add(ref.data(), ref.data(), 4);  // a second, exact batch doubles the signal only: +3.01 dB
  EXPECT_NEAR(acc.db(), 10 * std::log10(8 / 0.01), 1e-3);
  const std::vector<float> zero(4, 0.0f);
  EXPECT_TRUE(std::isinf(sqnr_db(zero.data(), ref.data(), 4)) && sqnr_db(zero.data(), ref.data(), 4) < 0);
}

}  // namespace
}  // namespace qedge::quant
