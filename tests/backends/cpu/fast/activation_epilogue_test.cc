// The fast float epilogue (bias add and fused activation, vectorized for Relu and Clip) against the scalar bias add and
// the reference activation, bit for bit: NaN, infinities, -0, values on the Clip bounds, min > max, rows of 1..40.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "activation_epilogue.h"

namespace qedge::testing {
namespace {

std::vector<float> special_values(size_t n, std::mt19937& rng) {
  std::vector<float> v(n);
  const float specials[] = {std::nanf(""), INFINITY, -INFINITY, -0.0f, 0.0f, -1.0f, 6.0f, 1e-40f};
  for (size_t i = 0; i < n; ++i) {
    v[i] = rng() % 4 == 0 ? specials[rng() % 8] : std::uniform_real_distribution<float>(-8.0f, 8.0f)(rng);
  }
  return v;
}

TEST(FastActivationEpilogue, BitIdenticalToScalarBiasAndReferenceActivation) {
  std::mt19937 rng(21);
  std::vector<ref::Activation> acts(6);
  acts[1].kind = ref::ActivationKind::kRelu;
  acts[2].kind = ref::ActivationKind::kClip, acts[2].min = 0.0f, acts[2].max = 6.0f;
  acts[3].kind = ref::ActivationKind::kClip, acts[3].min = 2.0f, acts[3].max = -1.0f;  // min > max: max
  acts[4].kind = ref::ActivationKind::kLeakyRelu, acts[4].alpha = 0.1f;
  acts[5].kind = ref::ActivationKind::kHardSwish;
  for (const ref::Activation& act : acts) {
    for (int64_t cols = 1; cols <= 40; cols += 3) {
      const int64_t rows = 3;
      const std::vector<float> y0 = special_values(static_cast<size_t>(rows * cols), rng);
      const std::vector<float> bias = special_values(static_cast<size_t>(rows), rng);
      for (const float* b : {static_cast<const float*>(nullptr), bias.data()}) {
        std::vector<float> got = y0, want = y0;
        fast::bias_activation_rows(act, b, got.data(), rows, cols);
        for (int64_t r = 0; r < rows; ++r) {
          float* row = want.data() + r * cols;
          if (b) {
            for (int64_t c = 0; c < cols; ++c) row[c] += b[r];
          }
          ref::apply_activation(act, row, cols);
        }
        ASSERT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)), 0)
            << "activation " << static_cast<int>(act.kind) << " cols " << cols << (b ? " with bias" : "");
      }
    }
  }
}

}  // namespace
}  // namespace qedge::testing
