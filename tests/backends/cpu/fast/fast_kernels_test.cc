// Every fast kernel against the reference on random shapes (odd sizes, padding, strides, dilation, groups,
// transposes, broadcast C), single- and multi-threaded: float results within 1e-5 relative.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "fast_test_support.h"
#include "gemm/gemm_f32_microkernel.h"
#include "gemm/gemm_s16_microkernel.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::testing {
namespace {

template <typename T>
TensorData random_levels(DType t, const Dims& shape, std::mt19937& rng) {
  std::vector<T> v(static_cast<size_t>(num_elements(shape)));
  for (auto& e : v) e = static_cast<T>(rng() % 256);
  return make_tensor<T>(t, shape, v);
}

TEST(FastGemm, MicroKernelsAgree) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  constexpr int k = 37;
  std::vector<float> a(k * fast::kGemmMr), b(k * fast::kGemmNr);
  for (float& e : a) e = u(rng);
  for (float& e : b) e = u(rng);
  std::vector<float> c1(fast::kGemmMr * 20, 1.0f), c2 = c1;
  fast::gemm_f32_6x16_scalar(k, a.data(), b.data(), c1.data(), 20, true);
#if defined(__x86_64__)
  fast::gemm_f32_6x16_avx2_fma(k, a.data(), b.data(), c2.data(), 20, true);
  for (size_t i = 0; i < c1.size(); ++i) EXPECT_NEAR(c1[i], c2[i], 1e-5f) << i;
#endif
}

TEST(FastMatMul, RandomShapesMatchReference) {
  std::mt19937 rng(2);
  for (auto [m, k, n] : std::vector<std::tuple<int, int, int>>{{6, 1, 1}, {7, 5, 17}, {13, 300, 33}, {100, 64, 129}, {6, 513, 16}}) {
    expect_matches_reference("MatMul", attrs({}), {random_tensor({1, m, k}, rng), random_tensor({k, n}, rng)}, k);
  }
}

// Batched products (attention's Q K^T and P V) with numpy broadcasting of the batch dims, more and fewer batches than
// threads, and a GEMV-sized product that falls back.
TEST(FastMatMul, BatchedAndBroadcastBatchesMatchReference) {
  std::mt19937 rng(12);
  const std::vector<std::pair<Dims, Dims>> cases = {
      {{1, 4, 64, 32}, {1, 4, 32, 64}}, {{2, 3, 7, 5}, {3, 5, 9}},   {{2, 1, 6, 13}, {1, 5, 13, 17}},
      {{6, 33}, {2, 33, 20}},           {{1, 9, 8}, {3, 8, 4}},       {{2, 2, 3, 8}, {2, 2, 8, 5}}};
  for (const auto& [a, b] : cases) {
    expect_matches_reference("MatMul", attrs({}), {random_tensor(a, rng), random_tensor(b, rng)}, a.back());
  }
}

// Every permutation of rank-4 and some rank-5/6 shapes (unit dims, merged runs, short innermost rows, dims longer than
// a tile), elements of 1, 2, 4 and 8 bytes.
TEST(FastTranspose, IdenticalToReference) {
  std::mt19937 rng(13);
  const auto check = [&](const Dims& shape, const std::vector<int64_t>& perm, DType t) {
    const int64_t n = num_elements(shape);
    std::vector<uint8_t> bytes(static_cast<size_t>(n * dtype_bits(t) / 8));
    for (auto& v : bytes) v = static_cast<uint8_t>(rng());
    TensorData x = make_tensor<uint8_t>(t, shape, bytes);
    const AttrMap a = perm.empty() ? attrs({}) : attrs({ints_attr("perm", perm)});
    auto want = run_ref_kernel("Transpose", a, {x});
    ASSERT_TRUE(want.ok()) << want.status().message();
    TestThreads threads;
    for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
      KernelRun run;
      run.threads = pool;
      auto got = run_kernel(fast_registry(), "Transpose", a, {x}, run);
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_EQ((*got)[0].shape, (*want)[0].shape);
      ASSERT_EQ((*got)[0].bytes, (*want)[0].bytes) << dims_to_string(shape) << " perm " << perm.size();
    }
  };
  std::vector<int64_t> perm = {0, 1, 2, 3};
  do {
    for (DType t : {DType::kUint8, DType::kFloat16, DType::kFloat32, DType::kInt64}) check({2, 3, 5, 7}, perm, t);
    check({1, 4, 1, 9}, perm, DType::kFloat32);
    // Dims longer than a tile (32) on both sides of each tiled plane, split across threads mid-plane.
    check({2, 67, 5, 41}, perm, DType::kFloat32);
  } while (std::next_permutation(perm.begin(), perm.end()));
  check({1, 64, 3, 4, 32}, {2, 0, 3, 1, 4}, DType::kFloat32);
  // NCHW -> NHWC images with few channels (runs of pixels, one channel at a time, split across threads mid-run), and
  // just past the short-row limit.
  for (DType t : {DType::kUint8, DType::kFloat32, DType::kInt64}) check({2, 3, 41, 37}, {0, 2, 3, 1}, t);
  // Three channels (the interleaving copy) over more pixels than one of its tiles (341), and their inverse.
  check({1, 3, 29, 31}, {0, 2, 3, 1}, DType::kFloat32);
  check({1, 29, 31, 3}, {0, 3, 1, 2}, DType::kFloat32);
  check({1, 16, 9, 11}, {0, 2, 3, 1}, DType::kFloat32);
  check({1, 17, 9, 11}, {0, 2, 3, 1}, DType::kFloat32);
  check({2, 3, 4, 5, 6, 7}, {5, 3, 4, 0, 2, 1}, DType::kInt8);
  check({3, 4, 5}, {}, DType::kFloat32);
  check({3, 0, 5}, {2, 0, 1}, DType::kFloat32);
  check({}, {}, DType::kFloat32);
}

TEST(FastGemm, TransposesAlphaBetaAndBroadcastBias) {
  std::mt19937 rng(3);
  const int m = 9, k = 70, n = 21;
  for (int trans_b : {0, 1}) {
    for (const Dims& c : std::vector<Dims>{{}, {n}, {1, n}, {m, 1}, {m, n}}) {
      AttrMap a = attrs({int_attr("transB", trans_b), float_attr("alpha", 0.5f), float_attr("beta", 2.0f)});
      const Dims bshape = trans_b ? Dims{n, k} : Dims{k, n};
      expect_matches_reference("Gemm", a, {random_tensor({m, k}, rng), random_tensor(bshape, rng), random_tensor(c, rng)}, k);
    }
  }
}

// Convolution geometries: odd sizes, padding, strides, dilation, groups (depthwise too), 1-D, 3-D, auto_pad.
struct ConvCase {
  Dims x, w;
  std::vector<Attr> attrs;
};

const std::vector<ConvCase>& conv_cases() {
  static const std::vector<ConvCase> cases = {
      {{1, 3, 9, 11}, {8, 3, 3, 3}, {ints_attr("pads", {1, 1, 1, 1})}},
      {{2, 4, 10, 7}, {6, 2, 3, 2}, {int_attr("group", 2), ints_attr("strides", {2, 1}), ints_attr("dilations", {1, 2}),
                                     ints_attr("pads", {0, 1, 2, 0})}},
      {{1, 16, 5, 5}, {32, 16, 1, 1}, {}},
      {{1, 8, 6, 6}, {8, 1, 3, 3}, {int_attr("group", 8), ints_attr("pads", {1, 1, 1, 1})}},
      {{1, 5, 17}, {7, 5, 4}, {ints_attr("strides", {3}), ints_attr("pads", {2, 1})}},
      {{1, 2, 4, 5, 6}, {3, 2, 2, 3, 2}, {ints_attr("pads", {1, 0, 1, 0, 1, 1})}},
      {{1, 3, 8, 8}, {4, 3, 3, 3}, {string_attr("auto_pad", "SAME_UPPER"), ints_attr("strides", {2, 2})}},
  };
  return cases;
}

TEST(FastConv, RandomGeometriesMatchReference) {
  std::mt19937 rng(4);
  const auto& cases = conv_cases();
  for (const ConvCase& c : cases) {
    std::optional<TensorData> bias = random_tensor({c.w[0]}, rng);
    expect_matches_reference("Conv", attrs(c.attrs), {random_tensor(c.x, rng), random_tensor(c.w, rng), bias},
                             static_cast<double>(num_elements(c.w) / c.w[0]));
  }
}

TEST(FastConv, OtherTypesFallBackToTheReference) {
  std::vector<double> x(2 * 3 * 3, 0.5), w(2 * 2 * 1 * 1, 2.0);
  auto got = run_kernel(fast_registry(), "Conv", attrs({}),
                        {make_tensor<double>(DType::kFloat64, {1, 2, 3, 3}, x),
                         make_tensor<double>(DType::kFloat64, {2, 2, 1, 1}, w)}, KernelRun{});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(values_of<double>((*got)[0]), std::vector<double>(18, 2.0));
}

TEST(FastMaxPool, BitIdenticalToReference) {
  std::mt19937 rng(8);
  const std::vector<std::pair<Dims, std::vector<Attr>>> cases = {
      {{1, 3, 9, 11}, {ints_attr("kernel_shape", {3, 3}), ints_attr("strides", {2, 2}), ints_attr("pads", {1, 1, 1, 1})}},
      {{2, 2, 7, 8}, {ints_attr("kernel_shape", {2, 3}), ints_attr("dilations", {2, 1}), int_attr("ceil_mode", 1),
                      ints_attr("strides", {2, 2})}},
      {{1, 2, 13}, {ints_attr("kernel_shape", {4}), ints_attr("pads", {2, 3}), ints_attr("strides", {3})}},
      {{1, 1, 4, 5, 6}, {ints_attr("kernel_shape", {2, 2, 2}), ints_attr("pads", {1, 0, 1, 0, 1, 1})}},
      {{1, 2, 6, 6}, {ints_attr("kernel_shape", {3, 3}), string_attr("auto_pad", "SAME_UPPER")}},
  };
  for (const auto& [shape, list] : cases) {
    const TensorData f = random_tensor(shape, rng);
    for (const TensorData& x : {f, random_levels<uint8_t>(DType::kUint8, shape, rng), random_levels<int8_t>(DType::kInt8, shape, rng)}) {
      auto want = run_ref_kernel("MaxPool", attrs(list), {x});
      ASSERT_TRUE(want.ok()) << want.status().message();
      TestThreads threads;
      KernelRun run;
      run.threads = &threads;
      auto got = run_kernel(fast_registry(), "MaxPool", attrs(list), {x}, run);
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_EQ((*got)[0].shape, (*want)[0].shape);
      EXPECT_EQ((*got)[0].bytes, (*want)[0].bytes);
    }
  }
}

TEST(FastQuantize, BitIdenticalToReferenceIncludingTiesNaNAndInfinities) {
  std::mt19937 rng(9);
  std::vector<float> x(203);
  for (float& v : x) v = std::uniform_real_distribution<float>(-20.0f, 20.0f)(rng);
  for (size_t i = 0; i < 40; ++i) x[i] = 0.25f * static_cast<float>(static_cast<int>(i) - 20);  // ties of scale 0.5
  x[41] = std::nanf(""), x[42] = INFINITY, x[43] = -INFINITY, x[44] = -0.0f;
  const auto xt = make_tensor<float>(DType::kFloat32, {1, 203}, x);
  for (int after : {0, 1}) {
    for (int is_signed : {0, 1}) {
      AttrMap a = attrs({floats_attr("scale", {0.5f}), floats_attr("zero_point", {is_signed ? 0.0f : 7.0f}),
                         int_attr("bits", 4), int_attr("signed", is_signed), int_attr("zp_after_round", after),
                         int_attr("to", static_cast<int64_t>(is_signed ? DType::kInt8 : DType::kUint8))});
      auto want = run_ref_kernel("Quantize", a, {xt}, 1, 1, "qedge");
      KernelRun run;
      run.domain = "qedge";
      run.opset = 1;
      auto got = run_kernel(fast_registry(), "Quantize", a, {xt}, run);
      ASSERT_TRUE(want.ok() && got.ok());
      EXPECT_EQ((*got)[0].bytes, (*want)[0].bytes) << "zp_after_round " << after << " signed " << is_signed;
    }
  }
}

TEST(FastGemmS16, MicroKernelsAgree) {
  std::mt19937 rng(5);
  constexpr int kp = 19;
  std::vector<int16_t> a(kp * 2 * fast::kGemmMr), b(kp * 2 * fast::kGemmNr);
  for (auto& e : a) e = static_cast<int16_t>(static_cast<int>(rng() % 511) - 255);
  for (auto& e : b) e = static_cast<int16_t>(static_cast<int>(rng() % 511) - 255);
  std::vector<int32_t> c1(fast::kGemmMr * 20, 7), c2 = c1;
  fast::gemm_s16_6x16_scalar(kp, a.data(), b.data(), c1.data(), 20, true);
#if defined(__x86_64__)
  fast::gemm_s16_6x16_avx2(kp, a.data(), b.data(), c2.data(), 20, true);
  EXPECT_EQ(c1, c2);
#endif
}


std::vector<Attr> requant_attrs(int64_t channels) {
  std::vector<float> mult(static_cast<size_t>(channels)), add(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) mult[c] = 0.001f * static_cast<float>(c + 1), add[c] = 0.37f * static_cast<float>(c % 3) - 0.5f;
  return {floats_attr("mult", mult), floats_attr("add", add), float_attr("clamp_min", 0.0f),
          floats_attr("out_scale", {0.05f}), floats_attr("out_zero_point", {3}), int_attr("out_bits", 4),
          int_attr("out_signed", 0), int_attr("out_to", static_cast<int64_t>(DType::kUint8))};
}

TEST(FastQMatMul, BitIdenticalToReference) {
  std::mt19937 rng(6);
  for (auto [m, k, n, trans] : std::vector<std::tuple<int, int, int, int>>{{1, 64, 10, 0}, {7, 33, 17, 1}, {20, 600, 40, 0}}) {
    std::vector<Attr> list = requant_attrs(n);
    list.push_back(int_attr("trans_b", trans));
    list.push_back(int_attr("x_zero_point", 128));
    list.push_back(int_attr("out_zp_after_round", trans));  // both zero-point rules of the vectorized epilogue
    std::vector<float> wzp(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) wzp[c] = static_cast<float>(c % 5) - 2.0f;
    list.push_back(floats_attr("w_zero_point", wzp));
    const Dims wshape = trans ? Dims{n, k} : Dims{k, n};
    expect_identical_to_reference("QMatMul", attrs(list), {random_levels<uint8_t>(DType::kUint8, {m, k}, rng),
                                                           random_levels<int8_t>(DType::kInt8, wshape, rng)});
  }
}

TEST(FastQConv, BitIdenticalToReference) {
  std::mt19937 rng(7);
  for (const ConvCase& c : conv_cases()) {
    std::vector<Attr> list = c.attrs;
    for (Attr& a : requant_attrs(c.w[0])) list.push_back(std::move(a));
    list.push_back(int_attr("x_zero_point", -3));
    expect_identical_to_reference("QConv", attrs(list), {random_levels<int8_t>(DType::kInt8, c.x, rng),
                                                         random_levels<int8_t>(DType::kInt8, c.w, rng)});
    // Float output (no output quantizer).
    std::vector<Attr> plain = c.attrs;
    plain.push_back(int_attr("x_zero_point", 5));
    expect_identical_to_reference("QConv", attrs(plain), {random_levels<uint8_t>(DType::kUint8, c.x, rng),
                                                          random_levels<int8_t>(DType::kInt8, c.w, rng)});
  }
}

// ONNX QuantizeLinear: the fast path (constant per-tensor parameters) bit-identical to the reference for every
// zero-point type, with ties, NaN, infinities and saturation; with 1 and 3 threads over more than one chunk.
TEST(FastQuantizeLinear, BitIdenticalToReferenceIncludingTiesNaNAndSaturation) {
  std::mt19937 rng(11);
  std::vector<float> x(40000);
  for (float& v : x) v = std::uniform_real_distribution<float>(-300.0f, 300.0f)(rng);
  for (size_t i = 0; i < 80; ++i) x[i] = 0.25f * static_cast<float>(static_cast<int>(i) - 40);  // ties of scale 0.5
  x[81] = std::nanf(""), x[82] = INFINITY, x[83] = -INFINITY, x[84] = -0.0f, x[85] = 1e30f;
  const auto xt = make_tensor<float>(DType::kFloat32, {4, 10000}, x);
  const auto scale = make_tensor<float>(DType::kFloat32, {}, {0.5f});
  const std::vector<std::optional<TensorData>> zero_points = {
      std::nullopt, make_tensor<uint8_t>(DType::kUint8, {}, {7}), make_tensor<int8_t>(DType::kInt8, {}, {-3}),
      make_tensor<int16_t>(DType::kInt16, {}, {100}), make_tensor<uint16_t>(DType::kUint16, {}, {30000})};
  TestThreads threads;
  for (const auto& zp : zero_points) {
    std::vector<std::optional<TensorData>> in = {xt, scale};
    if (zp) in.push_back(zp);
    auto want = run_ref_kernel("QuantizeLinear", {}, in);
    ASSERT_TRUE(want.ok()) << want.status().message();
    for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
      KernelRun run;
      run.threads = pool;
      run.constant_inputs = {1, 2};
      auto got = run_kernel(fast_registry(), "QuantizeLinear", {}, in, run);
      ASSERT_TRUE(got.ok()) << got.status().message();
      EXPECT_EQ((*got)[0].dtype, (*want)[0].dtype);
      EXPECT_EQ((*got)[0].bytes, (*want)[0].bytes) << "zero point " << (zp ? dtype_name(zp->dtype) : "none");
    }
  }
}

// QAdd of two 8-bit tensors: the levels equal the reference's for every level pair, for quantized, wide, threshold and
// float outputs and all four input type combinations; broadcasting falls back to the reference.
TEST(FastQAdd, BitIdenticalToReferenceForEveryLevelPair) {
  std::vector<uint8_t> a(65536 + 17), b(65536 + 17);
  for (size_t i = 0; i < 65536; ++i) a[i] = static_cast<uint8_t>(i >> 8), b[i] = static_cast<uint8_t>(i & 255);
  for (size_t i = 65536; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i * 7), b[i] = static_cast<uint8_t>(i * 13);
  const std::vector<Attr> common = {float_attr("a_scale", 0.031f), float_attr("b_scale", 0.017f),
                                    int_attr("a_zero_point", 3), int_attr("b_zero_point", -5)};
  std::vector<Attr> quantized = common;
  for (Attr& at : std::vector<Attr>{float_attr("clamp_min", -2.0f), floats_attr("out_scale", {0.04f}),
                                    floats_attr("out_zero_point", {128}), int_attr("out_bits", 8),
                                    int_attr("out_signed", 0), int_attr("out_zp_after_round", 1),
                                    int_attr("out_to", static_cast<int64_t>(DType::kUint8))}) {
    quantized.push_back(at);
  }
  std::vector<Attr> wide = common;
  for (Attr& at : std::vector<Attr>{floats_attr("out_scale", {0.001f}), floats_attr("out_zero_point", {0}),
                                    int_attr("out_bits", 16), int_attr("out_to", static_cast<int64_t>(DType::kInt16))}) {
    wide.push_back(at);
  }
  for (const auto& list : {quantized, wide}) {
    for (DType ta : {DType::kUint8, DType::kInt8}) {
      for (DType tb : {DType::kUint8, DType::kInt8}) {
        expect_identical_to_reference("QAdd", attrs(list), {make_tensor<uint8_t>(ta, {1, 3, 21851}, a),
                                                            make_tensor<uint8_t>(tb, {1, 3, 21851}, b)});
      }
    }
  }
  std::vector<float> t(6);
  for (size_t i = 0; i < t.size(); ++i) t[i] = 0.3f * static_cast<float>(i) - 0.7f;
  std::vector<Attr> thresholds = common;
  thresholds.push_back(int_attr("out_to", static_cast<int64_t>(DType::kUint8)));
  expect_identical_to_reference("QAdd", attrs(thresholds), {make_tensor<uint8_t>(DType::kUint8, {1, 65553}, a),
                                                            make_tensor<uint8_t>(DType::kUint8, {1, 65553}, b),
                                                            make_tensor<float>(DType::kFloat32, {1, 6}, t)});
  expect_identical_to_reference("QAdd", attrs(common), {make_tensor<uint8_t>(DType::kInt8, {1, 65553}, a),
                                                        make_tensor<uint8_t>(DType::kUint8, {1, 65553}, b)});
  expect_identical_to_reference("QAdd", attrs(quantized), {make_tensor<uint8_t>(DType::kUint8, {3, 1}, {1, 2, 3}),
                                                           make_tensor<uint8_t>(DType::kUint8, {1, 2}, {9, 250})});
}

// MultiThreshold epilogues (FINN): per-tensor [1, S] and per-channel [C, S] thresholds, bipolar, and values exactly on
// a threshold (ties count as reached), on QMatMul (channels along the row: gathered thresholds) and QConv (one channel
// per row), bit-identical to the reference.
TEST(FastIntLinear, ThresholdLevelsBitIdenticalToReference) {
  std::mt19937 rng(23);
  const auto threshold_table = [&](int64_t rows, int64_t steps) {
    std::vector<float> t(static_cast<size_t>(rows * steps));
    for (int64_t r = 0; r < rows; ++r) {
      float v = -40.0f + static_cast<float>(rng() % 20);
      for (int64_t j = 0; j < steps; ++j) t[static_cast<size_t>(r * steps + j)] = v += 0.5f * static_cast<float>(1 + rng() % 6);
    }
    return make_tensor<float>(DType::kFloat32, {rows, steps}, t);
  };
  for (int bipolar : {0, 1}) {
    const int64_t steps = bipolar ? 1 : 15;
    std::vector<Attr> list = {floats_attr("mult", {0.5f}), floats_attr("add", {0.0f}), int_attr("x_zero_point", 128),
                              int_attr("out_bipolar", bipolar),
                              int_attr("out_to", static_cast<int64_t>(bipolar ? DType::kInt8 : DType::kUint8))};
    for (int64_t rows : {int64_t{1}, int64_t{37}}) {
      expect_identical_to_reference("QMatMul", attrs(list),
                                    {random_levels<uint8_t>(DType::kUint8, {9, 20}, rng),
                                     random_levels<int8_t>(DType::kInt8, {20, 37}, rng), threshold_table(rows, steps)});
      std::vector<Attr> conv = list;
      conv.push_back(ints_attr("pads", {1, 1, 1, 1}));
      const int64_t maps = rows == 1 ? 8 : 37;
      expect_identical_to_reference("QConv", attrs(conv),
                                    {random_levels<uint8_t>(DType::kUint8, {1, 6, 9, 11}, rng),
                                     random_levels<int8_t>(DType::kInt8, {maps, 6, 3, 3}, rng),
                                     threshold_table(rows == 1 ? 1 : maps, steps)});
    }
  }
}

}  // namespace
}  // namespace qedge::testing
