// Compiled with -mavx2; entered only when cpu_features() reports AVX2. The bias add and the Relu/Clip of the
// epilogue eight values at a time, with the scalar code's results bit for bit: one rounding for the add, and
// comparisons that leave NaN as the scalar branches do (Relu: 0; Clip: NaN).
#include <immintrin.h>

#include "activation_epilogue.h"
#include "qedge/cpu_fast/cpu_features.h"

namespace qedge::fast {

int64_t bias_activation_row_avx2(const ref::Activation& act, const float* bias, float* row, int64_t n) {
  const bool relu = act.kind == ref::ActivationKind::kRelu, clip = act.kind == ref::ActivationKind::kClip;
  if (!cpu_features().avx2_fma || !(relu || clip || act.kind == ref::ActivationKind::kNone)) return 0;
  const __m256 b = _mm256_set1_ps(bias ? *bias : 0.0f), zero = _mm256_setzero_ps();
  const __m256 lo = _mm256_set1_ps(act.min), hi = _mm256_set1_ps(act.max);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_loadu_ps(row + i);
    if (bias) v = _mm256_add_ps(v, b);
    if (relu) {
      // x > 0 ? x : 0: max returns its second operand (+0) for NaN and for -0.
      v = _mm256_max_ps(v, zero);
    } else if (clip) {
      // if (x < lo) x = lo; if (x > hi) x = hi; in that order (min > max gives max), NaN compares false.
      v = _mm256_blendv_ps(v, lo, _mm256_cmp_ps(v, lo, _CMP_LT_OQ));
      v = _mm256_blendv_ps(v, hi, _mm256_cmp_ps(v, hi, _CMP_GT_OQ));
    }
    _mm256_storeu_ps(row + i, v);
  }
  return i;
}

}  // namespace qedge::fast
