// Compiled with -mavx2 -mfma; entered only when cpu_features() reports both. Gelu eight values at a time:
// x * Phi(x) with the vectorized normal CDF (exact form), and for the tanh form the identity
// 0.5 x (1 + tanh(u)) = x / (1 + exp(-2u)), which has no cancellation where tanh(u) nears -1.
// Tails go through a padded block, so every value takes the same formula.
#include <cstring>

#include "transformer/row_kernels.h"
#include "transformer/vec_math_avx2_fma.h"

namespace qedge::fast {
namespace {

template <typename F>
void gelu_blocks(const float* x, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, f(_mm256_loadu_ps(x + i)));
  if (i == n) return;
  alignas(32) float tail[8] = {};
  const size_t bytes = static_cast<size_t>(n - i) * sizeof(float);
  std::memcpy(tail, x + i, bytes);
  _mm256_store_ps(tail, f(_mm256_load_ps(tail)));
  std::memcpy(y + i, tail, bytes);
}

}  // namespace

void gelu_erf_avx2_fma(const float* x, float* y, int64_t n) {
  gelu_blocks(x, y, n, [](__m256 v) { return _mm256_mul_ps(v, avx2::normal_cdf(v)); });
}

void gelu_tanh_avx2_fma(const float* x, float* y, int64_t n) {
  gelu_blocks(x, y, n, [](__m256 v) {
    // -2u = -2 sqrt(2 / pi) x (1 + 0.044715 x^2)
    const __m256 inner = _mm256_fmadd_ps(_mm256_set1_ps(0.044715f), _mm256_mul_ps(v, v), _mm256_set1_ps(1.0f));
    const __m256 minus_2u = _mm256_mul_ps(_mm256_mul_ps(v, _mm256_set1_ps(-1.5957691216057308f)), inner);
    return _mm256_div_ps(v, _mm256_add_ps(_mm256_set1_ps(1.0f), avx2::exp(minus_2u)));
  });
}

}  // namespace qedge::fast
