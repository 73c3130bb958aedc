// Compiled with -mavx2 -mfma; entered only when cpu_features() reports both. One LayerNormalization row: the mean
// summed in double (so a large common offset does not eat the deviations), the mean subtracted as a float pair
// (hi + lo, x - hi exact when x is near the mean), the variance of the deviations in float lanes, then
// y = d * inv_std * scale + bias with one FMA.
#include <cmath>

#include "transformer/row_kernels.h"
#include "transformer/vec_math_avx2_fma.h"

namespace qedge::fast {

void layer_norm_row_avx2_fma(const float* x, float* y, int64_t n, const float* scale, const float* bias,
                             float epsilon) {
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    s0 = _mm256_add_pd(s0, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    s1 = _mm256_add_pd(s1, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
  }
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, _mm256_add_pd(s0, s1));
  double sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  for (; i < n; ++i) sum += x[i];
  const double mean = sum / static_cast<double>(n);
  const float mean_hi = static_cast<float>(mean), mean_lo = static_cast<float>(mean - mean_hi);
  const __m256 vhi = _mm256_set1_ps(mean_hi), vlo = _mm256_set1_ps(mean_lo);

  __m256 q = _mm256_setzero_ps();
  for (i = 0; i + 8 <= n; i += 8) {
    const __m256 d = _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vhi), vlo);
    q = _mm256_fmadd_ps(d, d, q);
  }
  double sq = avx2::hsum(q);
  for (; i < n; ++i) {
    const float d = (x[i] - mean_hi) - mean_lo;
    sq += static_cast<double>(d) * d;
  }
  const float inv_std = static_cast<float>(1.0 / std::sqrt(sq / static_cast<double>(n) + epsilon));

  const __m256 vinv = _mm256_set1_ps(inv_std);
  for (i = 0; i + 8 <= n; i += 8) {
    const __m256 d = _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vhi), vlo);
    const __m256 b = bias ? _mm256_loadu_ps(bias + i) : _mm256_setzero_ps();
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(_mm256_mul_ps(d, vinv), _mm256_loadu_ps(scale + i), b));
  }
  for (; i < n; ++i) {
    const float d = (x[i] - mean_hi) - mean_lo;
    y[i] = std::fma(d * inv_std, scale[i], bias ? bias[i] : 0.0f);
  }
}

}  // namespace qedge::fast
