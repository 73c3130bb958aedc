// The QDQ mobilenet path of the fast integer kernels against the reference, bit for bit: the int16 GEMM (its B panel
// packers on widths that are and are not whole panels, odd k; weights packed per call or prepacked) against a plain
// product, QConv on the int16 GEMM with 1x1 layers reading X directly (no im2col), the other geometries through
// im2col, images large enough to go in several column chunks, and the depthwise layers; output planes whose lengths
// are not multiples of eight (the requantizing epilogue's padded last group); 8-bit outputs of both zero-point rules
// and both signs, a ReLU6-like clamp; 1 and 3 threads; weights given as model constants or not; and one kernel
// instance run twice on different inputs (the scratch sized in prepare is reused).
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <tuple>

#include "fast_test_support.h"
#include "gemm/gemm_f32_microkernel.h"
#include "gemm/gemm_s16_microkernel.h"
#include "qedge/cpu_fast/cpu_features.h"
#include "qedge/cpu_fast/gemm_s16.h"

namespace qedge::testing {
namespace {

TensorData levels(DType t, const Dims& shape, std::mt19937& rng) {
  std::vector<uint8_t> v(static_cast<size_t>(num_elements(shape)));
  for (auto& e : v) e = static_cast<uint8_t>(rng() % 256);
  return make_tensor<uint8_t>(t, shape, v);
}

// A QConv layer: input [N, C, H, W], weight [M, C / group, kh, kw] and the window attributes.
struct Layer {
  Dims x, w;
  int64_t group = 1;
  std::vector<int64_t> strides, pads;
};

std::vector<Layer> layers() {
  return {
      {{1, 24, 7, 7}, {40, 24, 1, 1}, 1, {}, {}},               // 1x1 on a 7x7 plane: 49 = 6 * 8 + 1
      {{2, 17, 14, 14}, {33, 17, 1, 1}, 1, {}, {}},             // 196 = 24 * 8 + 4, two images, odd channels
      {{1, 32, 5, 11}, {16, 32, 1, 1}, 1, {}, {}},              // 55 columns
      {{1, 16, 8, 8}, {24, 16, 1, 1}, 1, {}, {}},               // whole groups of eight only
      {{1, 12, 9, 13}, {20, 6, 1, 1}, 2, {}, {}},               // grouped 1x1
      {{1, 10, 6, 6}, {12, 10, 1, 1}, 1, {2, 2}, {}},           // 1x1 stride 2: im2col
      {{1, 10, 6, 7}, {12, 10, 1, 1}, 1, {1, 1}, {0, 0, 1, 1}},  // 1x1 with end padding: im2col
      {{1, 16, 40, 45}, {160, 16, 1, 1}, 1, {}, {}},            // 1800 columns: five column chunks
      {{2, 4, 33, 37}, {96, 4, 1, 3}, 1, {1, 1}, {0, 1, 0, 1}},  // im2col, 1221 columns: 2 chunks, partial group
      {{1, 3, 15, 15}, {16, 3, 3, 3}, 1, {2, 2}, {1, 1, 1, 1}},  // the stem: 3x3 stride 2
      {{1, 8, 7, 9}, {12, 8, 3, 3}, 1, {1, 1}, {1, 1, 1, 1}},
      {{1, 9, 13, 11}, {9, 1, 3, 3}, 9, {1, 1}, {1, 1, 1, 1}},  // depthwise stride 1
      {{2, 6, 14, 14}, {6, 1, 3, 3}, 6, {2, 2}, {0, 0, 1, 1}},  // depthwise stride 2, TF padding
      {{1, 5, 7, 7}, {10, 1, 3, 3}, 5, {1, 1}, {1, 1, 1, 1}},   // depthwise, two maps per channel
  };
}

// Per-map mult/add, clamp [0, 6] and an 8-bit output quantizer: the epilogue of a QDQ Conv + Relu6.
AttrMap qconv_attrs(const Layer& l, DType x_type, DType out_type, int zp_after_round) {
  AttrMap a;
  a.set(int_attr("group", l.group));
  if (!l.strides.empty()) a.set(ints_attr("strides", l.strides));
  if (!l.pads.empty()) a.set(ints_attr("pads", l.pads));
  a.set(int_attr("x_zero_point", x_type == DType::kUint8 ? 128 : -5));
  const int64_t maps = l.w[0];
  std::vector<float> wzp(static_cast<size_t>(maps)), mult(wzp.size()), add(wzp.size());
  for (int64_t m = 0; m < maps; ++m) {
    wzp[m] = static_cast<float>(m % 3) - 1.0f;
    mult[m] = 0.0004f * static_cast<float>(m + 3);
    add[m] = 0.31f * static_cast<float>(m % 5) - 0.6f;
  }
  a.set(floats_attr("w_zero_point", wzp));
  a.set(floats_attr("mult", mult));
  a.set(floats_attr("add", add));
  a.set(float_attr("clamp_min", 0.0f));
  a.set(float_attr("clamp_max", 6.0f));
  const bool is_signed = out_type == DType::kInt8;
  a.set(floats_attr("out_scale", {0.0235f}));
  a.set(floats_attr("out_zero_point", {is_signed ? -128.0f : 0.0f}));
  a.set(int_attr("out_bits", 8));
  a.set(int_attr("out_signed", is_signed ? 1 : 0));
  a.set(int_attr("out_zp_after_round", zp_after_round));
  a.set(int_attr("out_to", static_cast<int64_t>(out_type)));
  return a;
}

// Prepares one fast kernel and runs it on each input set in turn (same shapes), returning each run's output 0.
std::vector<TensorData> run_fast_repeatedly(const std::string& op, const AttrMap& a,
                                            const std::vector<std::vector<TensorData>>& input_sets,
                                            const std::vector<size_t>& constant_inputs, ThreadPool* threads) {
  std::unique_ptr<OpKernel> kernel = (*fast_registry().find("qedge", op))();
  std::vector<Tensor> in_views;
  for (const TensorData& t : input_sets[0]) in_views.push_back(t.view());
  for (size_t i : constant_inputs) in_views[i].constant = true;
  Tensor out_view;
  KernelContext ctx = qedge_context(op, a, threads);
  for (Tensor& t : in_views) ctx.inputs.push_back(&t);
  ctx.outputs.push_back(&out_view);
  EXPECT_TRUE(kernel->prepare(ctx).ok());
  std::vector<TensorData> outs;
  for (const auto& inputs : input_sets) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      // A constant keeps its address; the others move to the new run's data.
      if (!in_views[i].constant) in_views[i].data = const_cast<uint8_t*>(inputs[i].bytes.data());
    }
    TensorData out;
    out.dtype = out_view.dtype;
    out.shape = out_view.shape;
    out.bytes.assign(out_view.nbytes(), 0);
    out_view.data = out.bytes.data();
    EXPECT_TRUE(kernel->run(ctx).ok());
    outs.push_back(std::move(out));
  }
  return outs;
}

std::vector<int16_t> random_int16(size_t n, std::mt19937& rng) {
  std::vector<int16_t> v(n);
  for (auto& e : v) e = static_cast<int16_t>(static_cast<int>(rng() % 511) - 255);
  return v;
}

TEST(FastQdqMobile, GemmS16MatchesPlainProduct) {
  std::mt19937 rng(20);
  TestThreads three;
  // (m, n, k): 1x1 layers on 7x7 and 14x14 images, whole panels only, odd k, k past one 512 slice.
  for (auto [m, n, k] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
           {40, 49, 24}, {33, 196, 17}, {24, 64, 16}, {7, 3, 5}, {13, 37, 531}, {6, 16, 1}}) {
    const std::vector<int16_t> a = random_int16(static_cast<size_t>(m * k), rng);
    const std::vector<int16_t> b = random_int16(static_cast<size_t>(k * n), rng);
    std::vector<int32_t> want(static_cast<size_t>(m * n), 0);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t p = 0; p < k; ++p) {
        for (int64_t j = 0; j < n; ++j) want[i * n + j] += int32_t{a[i * k + p]} * b[p * n + j];
      }
    }
    for (ThreadPool* threads : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&three)}) {
      fast::GemmShape s;
      s.m = m, s.n = n, s.k = k, s.lda = k, s.ldb = n, s.ldc = n;
      std::vector<int32_t> got(want.size(), -1);
      fast::gemm_s16(s, a.data(), b.data(), got.data(), threads);
      EXPECT_EQ(got, want) << m << " x " << n << " x " << k;
      fast::GemmS16PackedA packed;
      packed.pack(m, k, a.data(), k);
      std::vector<int32_t> got_prepacked(want.size(), -1);
      fast::gemm_s16_prepacked(s, packed, b.data(), got_prepacked.data(), threads);
      EXPECT_EQ(got_prepacked, want) << "prepacked " << m << " x " << n << " x " << k;
    }
  }
}

TEST(FastQdqMobile, PanelPackersAgree) {
  if (!fast::cpu_features().avx2_fma) GTEST_SKIP() << "no AVX2 on this CPU";
#if defined(__x86_64__)
  std::mt19937 rng(24);
  constexpr int64_t kLdb = 37, kPairs = 9;
  const std::vector<int16_t> b = random_int16(static_cast<size_t>(2 * kPairs * kLdb), rng);
  std::vector<int16_t> scalar(2 * kPairs * fast::kGemmNr), avx2(scalar.size());
  fast::gemm_s16_pack_panel_scalar(b.data() + 3, kLdb, kPairs, scalar.data());
  fast::gemm_s16_pack_panel_avx2(b.data() + 3, kLdb, kPairs, avx2.data());
  EXPECT_EQ(scalar, avx2);
  EXPECT_EQ(scalar[0], b[3]);
  EXPECT_EQ(scalar[1], b[3 + kLdb]);
#endif
}

TEST(FastQdqMobile, QConvLayersBitIdenticalToReference) {
  std::mt19937 rng(21);
  TestThreads three;
  int variant = 0;
  for (const Layer& l : layers()) {
    for (DType x_type : {DType::kUint8, DType::kInt8}) {
      ++variant;
      const DType out_type = variant % 2 ? DType::kUint8 : DType::kInt8;
      const AttrMap a = qconv_attrs(l, x_type, out_type, variant % 3 != 0);
      const TensorData w = levels(DType::kInt8, l.w, rng);
      const TensorData x1 = levels(x_type, l.x, rng), x2 = levels(x_type, l.x, rng);
      auto want1 = run_ref_kernel("QConv", a, {x1, w}, 1, 1, "qedge");
      auto want2 = run_ref_kernel("QConv", a, {x2, w}, 1, 1, "qedge");
      ASSERT_TRUE(want1.ok() && want2.ok()) << want1.status().message();
      for (ThreadPool* threads : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&three)}) {
        for (const std::vector<size_t>& constants : {std::vector<size_t>{}, std::vector<size_t>{1}}) {
          SCOPED_TRACE("x " + dims_to_string(l.x) + " w " + dims_to_string(l.w) + (threads ? " 3 threads" : "") +
                       (constants.empty() ? "" : " constant weight"));
          const auto got = run_fast_repeatedly("QConv", a, {{x1, w}, {x2, w}}, constants, threads);
          ASSERT_EQ(got.size(), 2u);
          EXPECT_EQ(got[0].dtype, (*want1)[0].dtype);
          EXPECT_EQ(got[0].shape, (*want1)[0].shape);
          EXPECT_EQ(got[0].bytes, (*want1)[0].bytes);
          EXPECT_EQ(got[1].bytes, (*want2)[0].bytes);
        }
      }
    }
  }
}

// Accumulators far outside the clamp and exact ties of the output quantizer: mult 1 / 64 and scale 1 / 8 put
// acc = 4 (2k + 1) on half levels, which the padded last group must round to even as the scalar epilogue does.
TEST(FastQdqMobile, PaddedLastGroupRoundsTiesAsTheReference) {
  std::mt19937 rng(22);
  const Layer l{{1, 4, 5, 5}, {8, 4, 1, 1}, 1, {}, {}};
  AttrMap a = qconv_attrs(l, DType::kUint8, DType::kUint8, 1);
  a.set(floats_attr("mult", {1.0f / 64}));
  a.set(floats_attr("add", {0.0f}));
  a.set(float_attr("clamp_min", -1e9f));
  a.set(float_attr("clamp_max", 1e9f));
  a.set(floats_attr("out_scale", {0.125f}));
  a.set(floats_attr("out_zero_point", {100.0f}));
  a.set(floats_attr("w_zero_point", {0.0f}));
  // Small levels around the zero point, so that the sums land on ties and on both saturation bounds.
  std::vector<uint8_t> xv(static_cast<size_t>(num_elements(l.x))), wv(static_cast<size_t>(num_elements(l.w)));
  for (auto& e : xv) e = static_cast<uint8_t>(128 + static_cast<int>(rng() % 9) - 4);
  for (size_t i = 0; i < wv.size(); ++i) wv[i] = static_cast<uint8_t>(i < 8 ? 127 : static_cast<int>(rng() % 5) - 2);
  expect_identical_to_reference("QConv", a, {make_tensor<uint8_t>(DType::kUint8, l.x, xv),
                                             make_tensor<uint8_t>(DType::kInt8, l.w, wv)});
}

// Non-finite multipliers and offsets (a hostile file): the vectorized epilogue clamps in float after the conversion
// and leaves out the NaN test, and must still give the scalar epilogue's levels (NaN takes the lower bound), with
// and without clamp bounds.
TEST(FastQdqMobile, NonFiniteEpilogueParametersAsTheReference) {
  std::mt19937 rng(25);
  const Layer l{{1, 8, 3, 7}, {8, 8, 1, 1}, 1, {}, {}};
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  for (bool bounds : {true, false}) {
    AttrMap a = qconv_attrs(l, DType::kUint8, DType::kInt8, 0);
    a.set(floats_attr("mult", {nan, inf, -inf, 0.0f, 1e30f, -1e-3f, 2e-3f, 1.0f}));
    a.set(floats_attr("add", {0.5f, -inf, nan, inf, 0.0f, -0.25f, nan, 1e30f}));
    if (!bounds) {
      a.set(float_attr("clamp_min", -inf));
      a.set(float_attr("clamp_max", inf));
    }
    expect_identical_to_reference("QConv", a, {levels(DType::kUint8, l.x, rng), levels(DType::kInt8, l.w, rng)});
  }
}

}  // namespace
}  // namespace qedge::testing
