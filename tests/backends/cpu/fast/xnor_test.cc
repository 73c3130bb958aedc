// The fast xnor QConv/QMatMul (bipolar X and W, XNOR-popcount) bit-exact against the reference on random shapes:
// odd sizes, padding, strides, dilation, groups, depthwise, images up to and past 64 wide, windows across words, both
// zero-point encodings of +-1, 1 and 3 threads; and
// the same error for a value other than -1/+1.
#include <gtest/gtest.h>

#include <random>

#include "../../../support/kernel_harness.h"
#include "fast_test_support.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "xnor/xnor_popcount.h"

namespace qedge::testing {
namespace {

// +-1 stored as levels: int8 -1/+1 (zero point 0), or uint8 0/2 with zero point 1.
TensorData bipolar(bool as_uint8, const Dims& shape, std::mt19937& rng) {
  std::vector<uint8_t> v(static_cast<size_t>(num_elements(shape)));
  for (auto& e : v) e = rng() % 2 ? (as_uint8 ? 2 : 1) : (as_uint8 ? 0 : 0xFF);
  return make_tensor<uint8_t>(as_uint8 ? DType::kUint8 : DType::kInt8, shape, v);
}

std::vector<Attr> requant_attrs(int64_t channels, int64_t x_zero_point) {
  std::vector<float> mult(static_cast<size_t>(channels)), add(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) mult[c] = 0.01f * static_cast<float>(c + 1), add[c] = 0.3f * static_cast<float>(c % 3) - 0.4f;
  return {int_attr("xnor", 1), int_attr("x_zero_point", x_zero_point), floats_attr("mult", mult), floats_attr("add", add),
          floats_attr("out_scale", {0.1f}), floats_attr("out_zero_point", {0}), int_attr("out_bits", 8),
          int_attr("out_signed", 1), int_attr("out_to", static_cast<int64_t>(DType::kInt8))};
}

TEST(XnorPopcount, PopcntMatchesPortable) {
  if (!fast::cpu_features().avx2_fma) GTEST_SKIP() << "no AVX2";
  std::mt19937_64 rng(1);
  constexpr int64_t kWords = 9, kRows = 5;
  std::vector<uint64_t> a(kWords), b(kWords * kRows), mask(kWords);
  for (auto& e : a) e = rng();
  for (auto& e : b) e = rng();
  for (auto& e : mask) e = rng();
  for (const uint64_t* m : {static_cast<const uint64_t*>(mask.data()), static_cast<const uint64_t*>(nullptr)}) {
    std::vector<int32_t> want(2 * kRows, -7), got(2 * kRows, -7);
    fast::xnor_dots_portable(a.data(), b.data(), kRows, m, kWords, 500, want.data(), 2);
    fast::xnor_dots_popcnt(a.data(), b.data(), kRows, m, kWords, 500, got.data(), 2);
    EXPECT_EQ(got, want);
    EXPECT_EQ(want[1], -7);  // only every out_stride-th value is written
  }
}

TEST(XnorQConv, BitIdenticalToReference) {
  std::mt19937 rng(2);
  struct Case {
    Dims x, w;
    std::vector<Attr> attrs;
  };
  const std::vector<Case> cases = {
      {{1, 16, 9, 9}, {24, 16, 1, 1}, {}},
      {{2, 5, 7, 6}, {9, 5, 3, 3}, {ints_attr("pads", {1, 1, 1, 1})}},
      {{1, 70, 6, 5}, {7, 70, 3, 3}, {ints_attr("pads", {1, 2, 0, 1}), ints_attr("strides", {2, 1})}},
      {{1, 6, 11, 10}, {8, 3, 3, 2}, {int_attr("group", 2), ints_attr("strides", {2, 1}), ints_attr("pads", {1, 0, 2, 1})}},
      {{1, 7, 13, 12}, {5, 7, 3, 3}, {ints_attr("dilations", {2, 2}), ints_attr("pads", {2, 1, 2, 2})}},
      {{1, 8, 9, 9}, {8, 1, 3, 3}, {int_attr("group", 8), ints_attr("pads", {1, 1, 1, 1})}},
      {{1, 3, 15}, {6, 3, 4}, {ints_attr("pads", {2, 1})}},
      // Pixel words (k tap-major): channels filling whole words (128) and straddling them (70, above); an image 64
      // wide and one wider; windows 13 wide that cross word boundaries and lie in the padding.
      {{1, 128, 5, 5}, {4, 128, 3, 3}, {ints_attr("pads", {1, 1, 1, 1})}},
      {{1, 4, 5, 64}, {6, 4, 3, 5}, {ints_attr("pads", {1, 2, 1, 2})}},
      {{1, 5, 6, 20}, {4, 5, 2, 13}, {ints_attr("pads", {0, 6, 1, 6}), ints_attr("strides", {1, 3})}},
      {{1, 3, 4, 70}, {5, 3, 3, 3}, {ints_attr("pads", {1, 1, 1, 1})}},
  };
  for (const Case& c : cases) {
    for (bool as_uint8 : {false, true}) {
      std::vector<Attr> list = c.attrs;
      for (Attr& a : requant_attrs(c.w[0], as_uint8 ? 1 : 0)) list.push_back(std::move(a));
      expect_identical_to_reference("QConv", attrs(list), {bipolar(as_uint8, c.x, rng), bipolar(false, c.w, rng)});
    }
  }
}

// BipolarQuant outputs (w1a1 layers): the sign of the clamped value, zero giving +1; sums of 0 come from an even k
// and a zero `add`, and a clamp bound at 0 maps the negative ones to 0 too.
TEST(XnorQConv, BipolarOutputsBitIdenticalToReference) {
  std::mt19937 rng(6);
  for (bool clamp : {false, true}) {
    for (float add : {0.0f, -0.25f}) {
      std::vector<Attr> list = {int_attr("xnor", 1), ints_attr("pads", {1, 1, 1, 1}),
                                floats_attr("mult", {0.5f}), floats_attr("add", {add}),
                                floats_attr("out_scale", {1.0f}), floats_attr("out_zero_point", {0}),
                                int_attr("out_bits", 1), int_attr("out_signed", 1), int_attr("out_bipolar", 1),
                                int_attr("out_to", static_cast<int64_t>(DType::kInt8))};
      if (clamp) list.push_back(float_attr("clamp_min", 0.0f));
      expect_identical_to_reference("QConv", attrs(list), {bipolar(false, {1, 8, 9, 11}, rng), bipolar(false, {12, 8, 3, 3}, rng)});
    }
  }
}

TEST(XnorQMatMul, BitIdenticalToReference) {
  std::mt19937 rng(3);
  for (auto [m, k, n, trans] : std::vector<std::tuple<int64_t, int64_t, int64_t, int>>{{1, 64, 10, 0}, {7, 33, 17, 1}, {20, 600, 41, 0}, {5, 129, 3, 1}}) {
    std::vector<Attr> list = requant_attrs(n, trans);
    list.push_back(int_attr("trans_b", trans));
    const Dims wshape = trans ? Dims{n, k} : Dims{k, n};
    expect_identical_to_reference("QMatMul", attrs(list), {bipolar(trans == 1, {m, k}, rng), bipolar(false, wshape, rng)});
  }
}

TEST(XnorQMatMul, ANonBipolarValueIsAnError) {
  std::mt19937 rng(4);
  std::vector<Attr> list = requant_attrs(3, 0);
  TensorData x = bipolar(false, {2, 5}, rng);
  x.bytes[7] = 3;
  KernelRun run;
  run.domain = "qedge";
  run.opset = 1;
  auto got = run_kernel(fast_registry(), "QMatMul", attrs(list), {x, bipolar(false, {5, 3}, rng)}, run);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("QMatMul X holds a value other than -1/+1"), std::string::npos);
}

}  // namespace
}  // namespace qedge::testing
