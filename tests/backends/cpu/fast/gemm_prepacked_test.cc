// The float GEMM with A packed ahead (GemmF32PackedA, gemm_f32_prepacked) against the plain gemm_f32 on random odd
// shapes, and the float Conv, Gemm and MatMul kernels that pack a constant weight at prepare against the reference,
// with that operand given as a model constant and as an ordinary input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "fast_test_support.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::testing {
namespace {

// m, n, k off the 6 x 16 tile and the 256-deep k slice (some several slices deep, some past one 72-row block), with
// row strides wider than the rows, transposed B and accumulation; shapes with more rows than columns take the threads'
// row split, the others the column split.
TEST(GemmF32Prepacked, EqualsPlainGemmOnOddShapes) {
  std::mt19937 rng(61);
  TestThreads threads;
  for (int trial = 0; trial < 30; ++trial) {
    fast::GemmShape s;
    s.m = 1 + rng() % 200;
    s.n = trial % 2 == 0 ? 1 + rng() % 40 : 1 + rng() % 300;
    s.k = trial % 3 == 0 ? 257 + rng() % 600 : 1 + rng() % 256;
    s.trans_b = trial % 4 == 1;
    const bool accumulate = trial % 5 == 3;
    s.lda = s.k + trial % 3, s.ldb = (s.trans_b ? s.k : s.n) + trial % 2, s.ldc = s.n + trial % 3;
    SCOPED_TRACE("trial " + std::to_string(trial) + " m " + std::to_string(s.m) + " n " + std::to_string(s.n) +
                 " k " + std::to_string(s.k));
    const auto a = random_floats(static_cast<size_t>(s.m * s.lda), rng);
    const auto b = random_floats(static_cast<size_t>((s.trans_b ? s.n : s.k) * s.ldb), rng);
    const auto c0 = random_floats(static_cast<size_t>(s.m * s.ldc), rng);
    fast::GemmF32PackedA packed;
    packed.pack(s.m, s.k, a.data(), s.lda, trial % 2 == 0 ? &threads : nullptr);
    ASSERT_TRUE(packed.holds(a.data(), s.m, s.k, s.lda));
    EXPECT_FALSE(packed.holds(a.data(), s.m + 1, s.k, s.lda));
    EXPECT_FALSE(packed.holds(a.data(), s.m, s.k, s.lda + 1));
    for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
      auto plain = c0, prepacked = c0, chosen = c0;
      fast::gemm_f32(s, a.data(), b.data(), plain.data(), accumulate, pool);
      fast::gemm_f32_prepacked(s, packed, b.data(), prepacked.data(), accumulate, pool);
      fast::gemm_f32(s, a.data(), &packed, b.data(), chosen.data(), accumulate, pool);
      for (size_t i = 0; i < plain.size(); ++i) {
        ASSERT_LE(std::fabs(prepacked[i] - plain[i]), 1e-5 * (std::fabs(plain[i]) + 1.0)) << i;
        ASSERT_EQ(chosen[i], prepacked[i]) << i;
      }
    }
  }
}

// The packed A is tied to the pointer it was packed from: another matrix of the same shape is packed per call.
TEST(GemmF32Prepacked, OtherMatrixOfTheSameShapeIsNotTakenForIt) {
  std::mt19937 rng(62);
  fast::GemmShape s;
  s.m = 13, s.n = 21, s.k = 37;
  s.lda = s.k, s.ldb = s.n, s.ldc = s.n;
  const auto a = random_floats(13 * 37, rng), other = random_floats(13 * 37, rng), b = random_floats(37 * 21, rng);
  fast::GemmF32PackedA packed;
  packed.pack(s.m, s.k, a.data(), s.lda, nullptr);
  std::vector<float> want(13 * 21), got(13 * 21);
  fast::gemm_f32(s, other.data(), b.data(), want.data(), false, nullptr);
  fast::gemm_f32(s, other.data(), &packed, b.data(), got.data(), false, nullptr);
  EXPECT_EQ(got, want);
}

// `op` on the fast kernels (1 and 3 threads) with input `weight` given as a model constant and as an ordinary input,
// against the reference: |fast - ref| <= 1e-5 * (|ref| + terms).
void expect_constant_and_plain_match(const std::string& op, const AttrMap& a,
                                     const std::vector<std::optional<TensorData>>& in, size_t weight, double terms) {
  auto want = run_ref_kernel(op, a, in);
  ASSERT_TRUE(want.ok()) << want.status().message();
  const auto w = values_of<float>((*want)[0]);
  TestThreads threads;
  for (bool constant : {true, false}) {
    for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), static_cast<ThreadPool*>(&threads)}) {
      KernelRun run;
      run.threads = pool;
      if (constant) run.constant_inputs = {weight};
      auto got = run_kernel(fast_registry(), op, a, in, run);
      ASSERT_TRUE(got.ok()) << got.status().message();
      ASSERT_EQ((*got)[0].shape, (*want)[0].shape);
      const auto g = values_of<float>((*got)[0]);
      for (size_t i = 0; i < g.size(); ++i) {
        ASSERT_LE(std::fabs(g[i] - w[i]), 1e-5 * (std::fabs(w[i]) + terms))
            << op << (constant ? " constant" : " plain") << (pool ? " 3 threads" : " 1 thread") << " element " << i;
      }
    }
  }
}

struct ConvCase {
  Dims x, w;
  std::vector<Attr> attrs;
};

// GEMM-path convolutions: 1x1 (the input is B), blocks of output rows (conv_f32_im2col_blocks), the whole im2col
// matrix (weights past the blocks' size limit, 3-D), groups, odd sizes, padding, strides, dilation.
TEST(GemmF32Prepacked, ConvWithConstantAndPlainWeightsMatchesReference) {
  std::mt19937 rng(63);
  const std::vector<ConvCase> cases = {
      {{1, 19, 7, 9}, {23, 19, 1, 1}, {}},
      {{2, 30, 5, 5}, {97, 30, 1, 1}, {}},
      {{1, 7, 13, 11}, {10, 7, 3, 3}, {ints_attr("pads", {1, 2, 0, 1}), ints_attr("strides", {2, 1})}},
      {{1, 6, 12, 10}, {14, 3, 3, 2}, {int_attr("group", 2), ints_attr("dilations", {2, 1}), ints_attr("pads", {1, 1, 1, 1})}},
      {{1, 150, 9, 9}, {200, 150, 3, 3}, {ints_attr("strides", {2, 2}), ints_attr("pads", {1, 1, 1, 1})}},
      {{1, 5, 17}, {9, 5, 4}, {ints_attr("strides", {3}), ints_attr("pads", {2, 1})}},
      {{1, 3, 4, 5, 6}, {8, 3, 2, 3, 2}, {ints_attr("pads", {1, 0, 1, 0, 1, 1})}},
  };
  for (const ConvCase& c : cases) {
    const std::optional<TensorData> bias = random_tensor({c.w[0]}, rng);
    expect_constant_and_plain_match("Conv", attrs(c.attrs), {random_tensor(c.x, rng), random_tensor(c.w, rng), bias}, 1,
                                    static_cast<double>(num_elements(c.w) / c.w[0]));
  }
}

// Gemm's and MatMul's own path with a constant A (alpha and a full C keep Gemm off XNNPACK; a batched B keeps MatMul
// there), A broadcast over the batch or one A per batch.
TEST(GemmF32Prepacked, GemmAndMatMulWithConstantAndPlainAMatchReference) {
  std::mt19937 rng(64);
  for (int trans_b : {0, 1}) {
    const int64_t m = 29, k = 300, n = 17;
    const AttrMap a = attrs({int_attr("transB", trans_b), float_attr("alpha", 0.5f), float_attr("beta", 2.0f)});
    const Dims b = trans_b ? Dims{n, k} : Dims{k, n};
    expect_constant_and_plain_match("Gemm", a, {random_tensor({m, k}, rng), random_tensor(b, rng),
                                                random_tensor({m, n}, rng)}, 0, k);
  }
  expect_constant_and_plain_match("MatMul", attrs({}), {random_tensor({13, 45}, rng), random_tensor({3, 45, 22}, rng)},
                                  0, 45);
  expect_constant_and_plain_match("MatMul", attrs({}),
                                  {random_tensor({2, 1, 7, 33}, rng), random_tensor({2, 3, 33, 9}, rng)}, 0, 33);
}

}  // namespace
}  // namespace qedge::testing
