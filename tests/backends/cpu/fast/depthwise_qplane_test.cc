// The integer depthwise 3x3 kernels (backends/cpu/fast/depthwise/depthwise_qplane.h): the plane kernels against a
// direct sum of (x - zero_point) * w, with guards around their buffers, and QConv through the fast registry against
// the reference kernel, bit-identical, at 1 and 3 threads. Widths around the 16-output blocks and the 16-byte row
// loads (short rows near the plane's end), strides 1 and 2 in either direction, pads 0..3, uint8 and int8
// activations, extreme levels, channel multipliers 1 and 2, batches 1 and 2, and 3-D (1x3x3) windows. The AVX-512
// VNNI kernel (taps that fit int8) directly, on planes from 1x1 to 112x112: around its 16-, 32- and 64-column
// groups and blocks, every zero point extreme, and nothing written past the plane.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <type_traits>

#include "depthwise/depthwise_qplane.h"
#include "fast_test_support.h"
#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::testing {
namespace {

// A 2-D 3x3 geometry: input height and width, strides (rows, columns), pads (top, left, bottom, right).
ref::NnGeometry geometry_3x3(int64_t h, int64_t w, int64_t sh, int64_t sw, const std::vector<int64_t>& pads) {
  ref::NnGeometry g;
  g.nd = 2;
  g.in = {1, h, w};
  g.kernel = {1, 3, 3};
  g.stride = {1, sh, sw};
  g.pad_begin = {0, pads[0], pads[1]};
  g.pad_end = {0, pads[2], pads[3]};
  for (int i = 1; i < 3; ++i) g.out[i] = (g.in[i] + g.pad_begin[i] + g.pad_end[i] - 3) / g.stride[i] + 1;
  return g;
}

// The reference's sums for one plane: taps inside the input only.
template <typename T>
std::vector<int32_t> direct_sums(const ref::NnGeometry& g, const T* x, int32_t zp, const int16_t* w) {
  std::vector<int32_t> acc;
  for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
    for (int64_t o2 = 0; o2 < g.out[2]; ++o2) {
      int32_t s = 0;
      for (int64_t k1 = 0; k1 < 3; ++k1) {
        for (int64_t k2 = 0; k2 < 3; ++k2) {
          const int64_t i1 = o1 * g.stride[1] - g.pad_begin[1] + k1, i2 = o2 * g.stride[2] - g.pad_begin[2] + k2;
          if (i1 < 0 || i1 >= g.in[1] || i2 < 0 || i2 >= g.in[2]) continue;
          s += (static_cast<int32_t>(x[i1 * g.in[2] + i2]) - zp) * w[k1 * 3 + k2];
        }
      }
      acc.push_back(s);
    }
  }
  return acc;
}

constexpr int16_t kGuard = 0x5a5a;

// The plane of geometry g through `kernel`, against direct_sums: taps in [tap_lo, tap_hi] (all at one end or the
// other when extreme, with the levels at their type's ends). Guards: the scratch past its size, and the sums past
// the plane plus `slack` (the sums the kernel may clobber).
template <typename T>
void check_plane(const ref::NnGeometry& g, int32_t zp, std::mt19937& rng, bool extreme,
                 void (*kernel)(const fast::DepthwiseQPlane&), int tap_lo, int tap_hi, int64_t slack) {
  std::vector<T> x(static_cast<size_t>(g.in_size()));
  for (T& v : x) {
    v = extreme ? (rng() % 2 ? std::numeric_limits<T>::min() : std::numeric_limits<T>::max())
                : static_cast<T>(rng());
  }
  int16_t w[9];
  for (int16_t& v : w) {
    v = static_cast<int16_t>(extreme ? (rng() % 2 ? tap_lo : tap_hi)
                                     : tap_lo + static_cast<int>(rng() % static_cast<unsigned>(tap_hi - tap_lo + 1)));
  }
  const int64_t scratch_size = fast::depthwise_qplane_scratch_size(g), out = g.out_size();
  std::vector<int16_t> scratch(static_cast<size_t>(scratch_size + 16), kGuard);
  std::vector<int32_t> acc(static_cast<size_t>(out + fast::kDepthwiseQPlaneSlack + 16), kGuard);
  fast::DepthwiseQPlane p;
  p.g = &g;
  p.x = x.data();
  p.x_signed = std::is_signed_v<T>;
  p.zero_point = zp;
  p.w = w;
  p.scratch = scratch.data();
  p.acc = acc.data();
  kernel(p);
  const std::vector<int32_t> want = direct_sums(g, x.data(), zp, w);
  for (int64_t i = 0; i < out; ++i) ASSERT_EQ(acc[i], want[i]) << "output " << i;
  for (size_t i = out + slack; i < acc.size(); ++i) ASSERT_EQ(acc[i], kGuard) << "acc guard " << i - out;
  for (size_t i = scratch_size; i < scratch.size(); ++i) ASSERT_EQ(scratch[i], kGuard) << "scratch guard";
}

// Each (height, width) of `sizes` at each stride pair through check_plane: pads 0..3 per side (1 all round for every
// seventh), alternately uint8 and int8 levels with zero points at both ends of their range and inside, every fifth
// plane at the extremes.
void check_planes(const std::vector<std::pair<int64_t, int64_t>>& sizes, std::mt19937& rng,
                  void (*kernel)(const fast::DepthwiseQPlane&), int tap_lo, int tap_hi, int64_t slack) {
  const int32_t u8_zero_points[] = {0, 255, 128, 3}, s8_zero_points[] = {-128, 127, 0, -5};
  int variant = 0;
  for (auto [h, width] : sizes) {
    for (int64_t sh : {1, 2}) {
      for (int64_t sw : {1, 2}) {
        ++variant;
        std::vector<int64_t> pads(4);
        for (int64_t& v : pads) v = variant % 7 == 0 ? 1 : static_cast<int64_t>(rng() % 4);
        if (h + pads[0] + pads[2] < 3 || width + pads[1] + pads[3] < 3) continue;  // no output
        const ref::NnGeometry g = geometry_3x3(h, width, sh, sw, pads);
        SCOPED_TRACE("input " + std::to_string(h) + "x" + std::to_string(width) + " strides " + std::to_string(sh) +
                     "," + std::to_string(sw) + " pads " + std::to_string(pads[0]) + std::to_string(pads[1]) +
                     std::to_string(pads[2]) + std::to_string(pads[3]));
        const bool extreme = variant % 5 == 0;
        if (variant % 2 == 0) {
          check_plane<uint8_t>(g, u8_zero_points[variant / 2 % 4], rng, extreme, kernel, tap_lo, tap_hi, slack);
        } else {
          check_plane<int8_t>(g, s8_zero_points[variant / 2 % 4], rng, extreme, kernel, tap_lo, tap_hi, slack);
        }
      }
    }
  }
}

// Through the dispatch, taps of 9 bits (mostly outside int8: the int16 kernel).
TEST(FastDepthwiseQPlane, SumsEqualDirectSums) {
  const ref::NnGeometry probe = geometry_3x3(5, 5, 1, 1, {1, 1, 1, 1});
  if (!fast::depthwise_qplane_available(probe)) GTEST_SKIP() << "no integer 3x3 kernel on this CPU";
  std::mt19937 rng(21);
  // Widths around the blocks of 16 outputs (and the 16-level row loads), then random ones; heights to 17.
  std::vector<int64_t> widths = {1, 2, 3, 7, 8, 14, 15, 16, 17, 18, 31, 32, 33, 34, 47, 56, 112};
  for (int i = 0; i < 12; ++i) widths.push_back(1 + static_cast<int64_t>(rng() % 90));
  std::vector<std::pair<int64_t, int64_t>> sizes;
  for (int64_t width : widths) sizes.emplace_back(1 + static_cast<int64_t>(rng() % 17), width);
  check_planes(sizes, rng, fast::depthwise_qplane, -255, 255, fast::kDepthwiseQPlaneSlack);
}

#if defined(__x86_64__)
// The AVX-512 VNNI kernel directly, taps in int8: square planes of every size to 20, the mobilenet_v2 ones and
// their neighbours around the 16-, 32- and 64-column groups, and random ones to 112 in either dimension; no sum
// written past the plane.
TEST(FastDepthwiseQPlane, VnniSumsEqualDirectSums) {
  if (!fast::cpu_features().avx512_vnni) GTEST_SKIP() << "no AVX-512 VNNI on this CPU";
  std::mt19937 rng(23);
  std::vector<std::pair<int64_t, int64_t>> sizes;
  for (int64_t n = 1; n <= 20; ++n) sizes.emplace_back(n, n);
  for (int64_t n : {28, 29, 30, 31, 32, 33, 56, 57, 62, 63, 64, 65, 66, 112}) sizes.emplace_back(n, n);
  for (int i = 0; i < 30; ++i) {
    sizes.emplace_back(1 + static_cast<int64_t>(rng() % 112), 1 + static_cast<int64_t>(rng() % 112));
  }
  check_planes(sizes, rng, fast::depthwise_qplane_3x3_u8s8_vnni_avx512, -128, 127, 0);
}
#endif

// Levels of `bits` in int8 or uint8 storage.
TensorData levels(DType t, int bits, const Dims& shape, std::mt19937& rng) {
  std::vector<uint8_t> v(static_cast<size_t>(num_elements(shape)));
  const int span = 1 << bits, lo = t == DType::kInt8 ? -span / 2 : 0;
  for (auto& e : v) e = static_cast<uint8_t>(lo + static_cast<int>(rng() % span));
  return make_tensor<uint8_t>(t, shape, v);
}

// Per-map mult/add, a ReLU-like clamp and a uint8 output (the QDQ u8 model's epilogue), or a float output.
void requant_attrs(AttrMap& a, int64_t maps, bool quantized_output) {
  std::vector<float> mult(static_cast<size_t>(maps)), add(static_cast<size_t>(maps));
  for (int64_t m = 0; m < maps; ++m) {
    mult[m] = 0.0005f * static_cast<float>(m + 1);
    add[m] = 0.3f * static_cast<float>(m % 3) - 0.3f;
  }
  a.set(floats_attr("mult", mult));
  a.set(floats_attr("add", add));
  if (!quantized_output) return;
  a.set(float_attr("clamp_min", 0.0f));
  a.set(floats_attr("out_scale", {0.02f}));
  a.set(floats_attr("out_zero_point", {0.0f}));
  a.set(int_attr("out_bits", 8));
  a.set(int_attr("out_signed", 0));
  a.set(int_attr("out_zp_after_round", 1));
  a.set(int_attr("out_to", static_cast<int64_t>(DType::kUint8)));
}

TEST(FastDepthwiseQPlane, QConvBitIdenticalToReference) {
  std::mt19937 rng(22);
  for (int i = 0; i < 40; ++i) {
    const bool three_d = i % 8 == 7;
    const int64_t sh = 1 + static_cast<int64_t>(rng() % 2), sw = i % 4 == 3 ? 3 - sh : sh;
    const int64_t h = 1 + static_cast<int64_t>(rng() % 20), w = 1 + static_cast<int64_t>(rng() % 70);
    std::vector<int64_t> pads(4);
    for (int64_t& v : pads) v = static_cast<int64_t>(rng() % 3);
    if (h + pads[0] + pads[2] < 3 || w + pads[1] + pads[3] < 3) continue;
    const int64_t channels = 1 + static_cast<int64_t>(rng() % 6), maps = channels * (i % 3 == 2 ? 2 : 1);
    const int64_t batch = 1 + static_cast<int64_t>(rng() % 2);
    AttrMap a;
    a.set(int_attr("group", channels));
    Dims xs{batch, channels, h, w}, ws{maps, 1, 3, 3};
    if (three_d) {
      // A depth of 4 with depth stride 2 and a padded slice at each end: the slices outside the input sum nothing.
      xs.insert(xs.begin() + 2, 4);
      ws.insert(ws.begin() + 2, 1);
      a.set(ints_attr("strides", {2, sh, sw}));
      a.set(ints_attr("pads", {1, pads[0], pads[1], 1, pads[2], pads[3]}));
    } else {
      a.set(ints_attr("strides", {sh, sw}));
      a.set(ints_attr("pads", pads));
    }
    const DType xt = i % 2 == 0 ? DType::kUint8 : DType::kInt8;
    a.set(int_attr("x_zero_point", xt == DType::kUint8 ? 128 : -5));
    std::vector<float> wzp(static_cast<size_t>(maps));
    for (int64_t m = 0; m < maps; ++m) wzp[m] = static_cast<float>(m % 3) - 1.0f;
    a.set(floats_attr("w_zero_point", wzp));
    requant_attrs(a, maps, i % 5 != 4);
    SCOPED_TRACE("input " + dims_to_string(xs) + " strides " + std::to_string(sh) + "," + std::to_string(sw));
    const int w_bits = i % 4 == 1 ? 4 : 8;
    expect_identical_to_reference("QConv", a, {levels(xt, 8, xs, rng), levels(DType::kInt8, w_bits, ws, rng)});
  }
}

// mobilenet_v2's depthwise plane sizes (pads 1) and odd neighbours, int8 weights with zero point 0 as in its QDQ
// models (taps that fit int8: the VNNI kernel where the CPU has it), uint8 and int8 activations.
TEST(FastDepthwiseQPlane, QConvMobilenetPlanesBitIdenticalToReference) {
  std::mt19937 rng(24);
  int i = 0;
  for (auto [hw, stride] : std::vector<std::pair<int64_t, int64_t>>{
           {112, 1}, {112, 2}, {56, 1}, {56, 2}, {28, 1}, {28, 2}, {14, 1}, {14, 2}, {7, 1}, {7, 2}, {57, 2}, {15, 1},
           {9, 2}, {33, 1}}) {
    ++i;
    const int64_t channels = 1 + static_cast<int64_t>(rng() % 5);
    AttrMap a;
    a.set(int_attr("group", channels));
    a.set(ints_attr("strides", {stride, stride}));
    a.set(ints_attr("pads", {1, 1, 1, 1}));
    const DType xt = i % 2 == 0 ? DType::kUint8 : DType::kInt8;
    a.set(int_attr("x_zero_point", xt == DType::kUint8 ? 119 : -7));
    a.set(floats_attr("w_zero_point", {0.0f}));
    requant_attrs(a, channels, true);
    SCOPED_TRACE("input " + std::to_string(hw) + " stride " + std::to_string(stride));
    expect_identical_to_reference("QConv", a, {levels(xt, 8, {1, channels, hw, hw}, rng),
                                               levels(DType::kInt8, 8, {channels, 1, 3, 3}, rng)});
  }
}

}  // namespace
}  // namespace qedge::testing
