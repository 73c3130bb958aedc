// Compiled with -mavx2 -mfma; entered only when cpu_features() reports both. One Softmax row eight values at a time:
// the maximum, exp(x - max) stored while it is summed, then one multiply by 1 / sum. Tails run the scalar formulas.
#include <cmath>

#include "transformer/row_kernels.h"
#include "transformer/vec_math_avx2_fma.h"

namespace qedge::fast {

void softmax_row_avx2_fma(const float* x, float* y, int64_t n) {
  float max = x[0];
  int64_t i = 0;
  if (n >= 8) {
    __m256 m = _mm256_loadu_ps(x);
    for (i = 8; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, m);
    for (float v : lanes) max = v > max ? v : max;
  }
  for (; i < n; ++i) max = x[i] > max ? x[i] : max;
  // A NaN anywhere makes the sum, and so every output, NaN, as in the reference.
  const __m256 vmax = _mm256_set1_ps(max);
  __m256 acc = _mm256_setzero_ps();
  for (i = 0; i + 8 <= n; i += 8) {
    const __m256 e = avx2::exp(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax));
    _mm256_storeu_ps(y + i, e);
    acc = _mm256_add_ps(acc, e);
  }
  float sum = avx2::hsum(acc);
  for (; i < n; ++i) {
    y[i] = std::exp(x[i] - max);
    sum += y[i];
  }
  const float inv = 1.0f / sum;
  const __m256 vinv = _mm256_set1_ps(inv);
  for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), vinv));
  for (; i < n; ++i) y[i] *= inv;
}

}  // namespace qedge::fast
