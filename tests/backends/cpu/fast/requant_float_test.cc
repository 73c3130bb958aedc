// The vectorized epilogue for integer layers whose output is float (QConv / QMatMul without an output quantizer, as
// the layers before a float residual Add in the QONNX w4a8 models): bit-identical to the reference's scalar epilogue
// (double affine, clamp, rounding to float), per-map and per-tensor parameters, clamp bounds or none, non-finite
// parameters (NaN takes the lower bound), rows of every length mod 8, 1 and 3 threads.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "fast_test_support.h"

namespace qedge::testing {
namespace {

TensorData levels(DType t, const Dims& shape, std::mt19937& rng) {
  std::vector<uint8_t> v(static_cast<size_t>(num_elements(shape)));
  for (auto& e : v) e = static_cast<uint8_t>(rng());
  return make_tensor<uint8_t>(t, shape, v);
}

AttrMap float_out_attrs(int64_t maps, bool per_map, bool bounds, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> mult(per_map ? static_cast<size_t>(maps) : 1), add(mult.size());
  for (size_t m = 0; m < mult.size(); ++m) mult[m] = 1e-3f * u(rng), add[m] = u(rng);
  AttrMap a = attrs({int_attr("x_zero_point", 128), floats_attr("w_zero_point", {0.0f}), floats_attr("mult", mult),
                     floats_attr("add", add)});
  if (bounds) {
    a.set(float_attr("clamp_min", -0.5f));
    a.set(float_attr("clamp_max", 0.75f));
  }
  return a;
}

TEST(RequantFloatOutput, QConvBitIdenticalToReference) {
  std::mt19937 rng(31);
  // Output planes of 49, 196, 13 x 11 and 8 x 8 values: every remainder of 8, and none.
  const std::vector<std::pair<Dims, Dims>> layers = {{{1, 32, 7, 7}, {40, 32, 1, 1}},
                                                     {{1, 24, 14, 14}, {16, 24, 1, 1}},
                                                     {{2, 8, 13, 11}, {12, 8, 3, 3}},
                                                     {{1, 16, 8, 8}, {24, 16, 1, 1}}};
  for (const auto& [x, w] : layers) {
    for (bool per_map : {false, true}) {
      for (bool bounds : {false, true}) {
        SCOPED_TRACE(dims_to_string(x) + (per_map ? " per map" : "") + (bounds ? " clamped" : ""));
        AttrMap a = float_out_attrs(w[0], per_map, bounds, rng);
        if (w[2] == 3) a.set(ints_attr("pads", {1, 1, 1, 1}));
        expect_identical_to_reference("QConv", a, {levels(DType::kUint8, x, rng), levels(DType::kInt8, w, rng)});
      }
    }
  }
}

TEST(RequantFloatOutput, QMatMulBitIdenticalToReference) {
  std::mt19937 rng(32);
  for (int64_t n : {1000, 37, 8}) {
    SCOPED_TRACE(n);
    const AttrMap a = float_out_attrs(n, true, true, rng);
    expect_identical_to_reference("QMatMul", a, {levels(DType::kUint8, {3, 160}, rng), levels(DType::kInt8, {160, n}, rng)});
  }
}

TEST(RequantFloatOutput, NonFiniteParametersAsTheReference) {
  std::mt19937 rng(33);
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  for (bool bounds : {false, true}) {
    AttrMap a = float_out_attrs(8, true, bounds, rng);
    a.set(floats_attr("mult", {nan, inf, -inf, 0.0f, 1e30f, -1e-3f, 2e-3f, 1.0f}));
    a.set(floats_attr("add", {0.5f, -inf, nan, inf, 0.0f, -0.25f, nan, 1e30f}));
    expect_identical_to_reference("QConv", a, {levels(DType::kUint8, {1, 8, 3, 7}, rng), levels(DType::kInt8, {8, 8, 1, 1}, rng)});
  }
}

}  // namespace
}  // namespace qedge::testing
