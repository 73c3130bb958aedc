// How the fast float GEMM and convolution split work across threads: the GEMM's row and column splits,
// the im2col split by rows of the column matrix, the convolution over blocks of output rows
// (conv_f32_im2col_blocks) and the threaded bias + activation epilogue, on random odd shapes, against one thread
// (bit-identical: each element's sum runs in the same order) and against the reference.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "fast_test_support.h"
#include "qedge/cpu_fast/gemm_f32.h"

namespace qedge::testing {
namespace {

std::vector<float> random_values(int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& e : v) e = u(rng);
  return v;
}

// Conv, or FusedConv (the qedge domain) when `fused`, against the reference within the float tolerance.
void expect_conv_matches_reference(bool fused, const AttrMap& a, const std::vector<std::optional<TensorData>>& in,
                                   double terms) {
  if (!fused) {
    expect_matches_reference("Conv", a, in, terms);
    return;
  }
  compare_with_reference(
      "FusedConv", a, in,
      [&](const TensorData& got, const TensorData& want) {
        const auto g = values_of<float>(got), w = values_of<float>(want);
        for (size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], w[i], 1e-5 * (std::fabs(w[i]) + terms)) << i;
      },
      "qedge");
}

// Shapes with more rows than columns (the row split) and with at least as many columns (the column split, A packed
// on the threads when it spans several blocks), some with K past one 256-deep slice, some with A too large to be
// packed once (packed block by block), transposed B and accumulation.
TEST(FastThreadSplit, GemmRowsAndColumnsMatchOneThreadAndDoubleSums) {
  std::mt19937 rng(51);
  TestThreads threads;
  for (int trial = 0; trial < 24; ++trial) {
    fast::GemmShape s;
    if (trial % 2 == 0) {
      s.n = 1 + rng() % 50;
      s.m = s.n + 1 + rng() % 300;
    } else {
      s.m = 1 + rng() % 160;
      s.n = s.m + rng() % 100;
    }
    s.k = trial % 4 == 3 ? 700 + rng() % 300 : 1 + rng() % 300;
    s.trans_b = trial % 3 == 1;
    const bool accumulate = trial % 5 == 2;
    s.lda = s.k + trial % 2, s.ldb = (s.trans_b ? s.k : s.n) + trial % 3, s.ldc = s.n + trial % 2;
    SCOPED_TRACE("trial " + std::to_string(trial) + " m " + std::to_string(s.m) + " n " + std::to_string(s.n) +
                 " k " + std::to_string(s.k));
    const auto a = random_values(s.m * s.lda, rng);
    const auto b = random_values((s.trans_b ? s.n : s.k) * s.ldb, rng);
    const auto c0 = random_values(s.m * s.ldc, rng);
    auto one = c0, three = c0;
    fast::gemm_f32(s, a.data(), b.data(), one.data(), accumulate, nullptr);
    fast::gemm_f32(s, a.data(), b.data(), three.data(), accumulate, &threads);
    ASSERT_EQ(one, three);
    for (int64_t i = 0; i < s.m; ++i) {
      for (int64_t j = 0; j < s.n; ++j) {
        double sum = accumulate ? c0[i * s.ldc + j] : 0.0;
        for (int64_t p = 0; p < s.k; ++p) {
          sum += static_cast<double>(a[i * s.lda + p]) * (s.trans_b ? b[j * s.ldb + p] : b[p * s.ldb + j]);
        }
        ASSERT_NEAR(three[i * s.ldc + j], sum, 1e-5 * (std::fabs(sum) + static_cast<double>(s.k))) << i << "," << j;
      }
    }
  }
}

// Convolutions whose GEMM has more maps than output positions (1x1 and strided convolutions on small images), and
// im2col-heavy ones (a few channels, large kernels, padding, dilation, groups), with and without bias and Relu.
TEST(FastThreadSplit, ConvOnSmallImagesAndWideKernels) {
  std::mt19937 rng(52);
  for (int trial = 0; trial < 12; ++trial) {
    const bool wide_kernel = trial % 3 == 2;
    const int64_t group = trial % 4 == 3 ? 2 : 1;
    const int64_t c = group * (wide_kernel ? 1 + rng() % 3 : 3 + rng() % 40);
    const int64_t m = group * (wide_kernel ? 4 + rng() % 9 : 20 + rng() % 60);
    const int64_t k = wide_kernel ? 5 + 2 * (rng() % 2) : 1 + 2 * (rng() % 2);
    const int64_t stride = 1 + rng() % 2, dilation = 1 + (trial % 5 == 4), pad = k / 2 * (rng() % 2);
    const int64_t h = (k - 1) * dilation + 1 + rng() % 8, w = (k - 1) * dilation + 1 + rng() % 7;
    SCOPED_TRACE("trial " + std::to_string(trial));
    const bool fused = trial % 2 == 1;
    AttrMap a = attrs({ints_attr("kernel_shape", {k, k}), ints_attr("strides", {stride, stride}),
                       ints_attr("dilations", {dilation, dilation}), ints_attr("pads", {pad, pad, pad, 0}),
                       int_attr("group", group)});
    if (fused) a.set(string_attr("activation", "Relu"));
    std::vector<std::optional<TensorData>> in{random_tensor({1 + trial % 2, c, h, w}, rng),
                                               random_tensor({m, c / group, k, k}, rng)};
    if (trial % 3 != 1) in.push_back(random_tensor({m}, rng));
    expect_conv_matches_reference(fused, a, in, static_cast<double>(c / group * k * k));
  }
}

// Wide images: output rows run through several im2col blocks per thread (blocks of about 512 columns), the last one
// short, each with its bias and activation.
TEST(FastThreadSplit, ConvOverManyRowBlocks) {
  std::mt19937 rng(53);
  for (int trial = 0; trial < 4; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const int64_t c = 1 + trial, m = 5 + 3 * trial, k = trial % 2 ? 3 : 5, stride = 1 + (trial < 3);
    const int64_t dilation = 1 + (trial == 2), pad = trial % 3;
    const int64_t h = 30 + rng() % 20, w = 150 + rng() % 90;
    AttrMap a = attrs({ints_attr("kernel_shape", {k, k}), ints_attr("strides", {stride, stride}),
                       ints_attr("dilations", {dilation, dilation}), ints_attr("pads", {pad, pad, 0, pad})});
    const bool fused = trial % 2 == 1;
    if (fused) a.set(string_attr("activation", trial == 1 ? "HardSwish" : "Relu"));
    std::vector<std::optional<TensorData>> in{random_tensor({1 + trial % 2, c, h, w}, rng),
                                               random_tensor({m, c, k, k}, rng)};
    if (trial != 3) in.push_back(random_tensor({m}, rng));
    expect_conv_matches_reference(fused, a, in, static_cast<double>(c * k * k));
  }
}

}  // namespace
}  // namespace qedge::testing
